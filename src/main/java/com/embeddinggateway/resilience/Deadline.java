package com.embeddinggateway.resilience;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import reactor.core.scheduler.Scheduler;

/**
 * The moment by which a request must be answered, on a scheduler's clock (so tests can
 * run it on virtual time).
 */
public final class Deadline {

	private final Scheduler clock;

	private final long atMillis;

	private Deadline(Scheduler clock, long atMillis) {
		this.clock = clock;
		this.atMillis = atMillis;
	}

	public static Deadline after(Duration timeout, Scheduler clock) {
		return new Deadline(clock, clock.now(TimeUnit.MILLISECONDS) + timeout.toMillis());
	}

	/** Time left, zero once passed. */
	public Duration remaining() {
		return Duration.ofMillis(Math.max(0, this.atMillis - this.clock.now(TimeUnit.MILLISECONDS)));
	}

	/** Whether {@code work} still fits before the deadline. */
	boolean allows(Duration work) {
		return work.compareTo(remaining()) < 0;
	}

}
