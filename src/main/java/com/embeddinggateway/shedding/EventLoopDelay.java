package com.embeddinggateway.shedding;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import reactor.netty.resources.LoopResources;

/**
 * Asks each event loop, every {@code probeInterval}, to run a task at a given moment, and
 * reports how late it ran: the time a task queued behind the loop's other work waited. A
 * loop that keeps up runs it within a millisecond; one with more work than CPU runs it
 * late by as long as its queue takes to drain.
 */
final class EventLoopDelay {

	private final List<EventExecutor> loops;

	private final long intervalNanos;

	private final LongConsumer report;

	private volatile boolean stopped;

	/** The server's loops and the upstream client's: the same threads. */
	EventLoopDelay(LoopResources resources, long intervalNanos, LongConsumer report) {
		Set<EventExecutor> loops = Collections.newSetFromMap(new IdentityHashMap<>());
		for (EventLoopGroup group : List.of(resources.onServer(LoopResources.DEFAULT_NATIVE),
				resources.onClient(LoopResources.DEFAULT_NATIVE))) {
			group.forEach(loops::add);
		}
		this.loops = new ArrayList<>(loops);
		this.intervalNanos = intervalNanos;
		this.report = report;
	}

	void start() {
		this.loops.forEach(this::probe);
	}

	void stop() {
		this.stopped = true;
	}

	private void probe(EventExecutor loop) {
		if (this.stopped || loop.isShuttingDown()) {
			return;
		}
		long due = System.nanoTime() + this.intervalNanos;
		loop.schedule(() -> {
			this.report.accept(Math.max(0, System.nanoTime() - due));
			probe(loop);
		}, this.intervalNanos, TimeUnit.NANOSECONDS);
	}

}
