package com.embeddinggateway.resilience;

import java.time.Duration;
import java.util.function.DoubleSupplier;

import org.jspecify.annotations.Nullable;

/**
 * Exponential backoff with full jitter (a uniformly random wait up to the exponential
 * step), which spreads the retries of many callers that failed at the same moment instead
 * of sending them back in lockstep. An upstream's {@code Retry-After} is the minimum
 * wait.
 */
final class Backoff {

	private final Duration base;

	private final Duration cap;

	private final DoubleSupplier random;

	Backoff(Duration base, Duration cap, DoubleSupplier random) {
		this.base = base;
		this.cap = cap;
		this.random = random;
	}

	/** Wait before retry number {@code retry} (1 for the first retry). */
	Duration delay(int retry, @Nullable Duration retryAfter) {
		long step = this.base.toMillis() << Math.min(retry - 1, 30);
		long ceiling = Math.min(this.cap.toMillis(), (step < 0) ? Long.MAX_VALUE : step);
		Duration jittered = Duration.ofMillis((long) (this.random.getAsDouble() * ceiling));
		return (retryAfter != null && retryAfter.compareTo(jittered) > 0) ? retryAfter : jittered;
	}

}
