package com.embeddinggateway.shedding;

import java.util.function.LongSupplier;

/**
 * How many embeddings requests may be in flight, adjusted once per window from how late
 * the event loops ran their tasks in it (AIMD, as TCP adjusts its window): a window where
 * even the most punctual probe ran later than {@code maxLoopDelay} cuts the limit to half
 * the requests in flight (unless no more than {@code minLimit} are); any other window
 * raises it by its square root, so it recovers from a low value within seconds.
 * <p>
 * Why the most punctual probe, as CoDel judges a queue by the shortest time a packet
 * spent in it over an interval: a garbage collection pause, or another process taking the
 * CPU for a moment, makes some probes late; only work queued faster than the loops can
 * run it makes every probe of a window late.
 * <p>
 * Why the loops' delay and not each request's latency: a request's latency is mostly
 * waiting on the upstream, which costs the gateway no CPU. A limit that reads a slow
 * upstream as congestion (as Netflix's Vegas and Gradient limits would, measuring each
 * request from admission to answer) refuses callers the gateway could serve. Every byte
 * the gateway parses, counts or writes goes through an event loop, so a loop that runs
 * its tasks late is the gateway's own CPU falling behind, and nothing else.
 */
final class ConcurrencyLimit {

	private static final double BACKOFF = 0.5;

	private final int min;

	private final int max;

	private final long maxDelayNanos;

	private final long windowNanos;

	private final LongSupplier nanoClock;

	private double limit;

	private int inFlight;

	private long windowStart;

	private long smallestDelay = Long.MAX_VALUE;

	ConcurrencyLimit(SheddingProperties properties, LongSupplier nanoClock) {
		this.max = properties.maxLimit();
		this.min = properties.minLimit();
		this.limit = properties.initialLimit();
		this.maxDelayNanos = properties.maxLoopDelay().toNanos();
		this.windowNanos = properties.window().toNanos();
		this.nanoClock = nanoClock;
		this.windowStart = nanoClock.getAsLong();
	}

	/** Admits one request if the limit allows it; one admitted must be released. */
	synchronized boolean tryAcquire() {
		if (this.inFlight < (int) this.limit) {
			this.inFlight++;
			return true;
		}
		return false;
	}

	synchronized void release() {
		this.inFlight--;
	}

	/**
	 * One probe's report: an event loop ran a task {@code delayNanos} later than it was
	 * due. At the end of a window, the smallest delay seen in it adjusts the limit.
	 */
	synchronized void loopDelay(long delayNanos) {
		this.smallestDelay = Math.min(this.smallestDelay, delayNanos);
		long now = this.nanoClock.getAsLong();
		if (now - this.windowStart < this.windowNanos) {
			return;
		}
		if (this.smallestDelay > this.maxDelayNanos) {
			// With no more than the floor in flight, the requests are not what keeps the
			// loops late (start-up, compilation, another process taking the CPU):
			// refusing
			// callers would relieve nothing.
			if (this.inFlight > this.min) {
				this.limit = Math.max(this.min, Math.min(this.limit, this.inFlight) * BACKOFF);
			}
		}
		else {
			this.limit = Math.min(this.max, this.limit + Math.sqrt(this.limit));
		}
		this.windowStart = now;
		this.smallestDelay = Long.MAX_VALUE;
	}

	synchronized int limit() {
		return (int) this.limit;
	}

	synchronized int inFlight() {
		return this.inFlight;
	}

}
