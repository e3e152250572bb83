package com.embeddinggateway.api;

import java.util.concurrent.atomic.AtomicLong;

import com.embeddinggateway.metrics.GatewayMetrics;
import com.embeddinggateway.resilience.ResilienceProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/**
 * How much request and answer data the requests in flight may hold at once, so that a
 * burst of large requests is refused with a 503 instead of running the JVM out of memory
 * (which fails every request in flight, small ones included, and can leave some hanging).
 * <p>
 * A request takes its share step by step: its body as its bytes arrive, what decoding its
 * texts briefly takes while it is parsed (see {@link RequestBody}), then the answers it
 * will hold, before any upstream call. What does not fit is refused; what a request took
 * is given back when its exchange ends, however it ends, or as soon as it is garbage. A
 * request that needs more than the whole budget still runs when it holds all of it alone:
 * refusing it would refuse it forever.
 */
@Component
class MemoryBudget {

	private final long limit;

	private final AtomicLong held = new AtomicLong();

	@Autowired
	MemoryBudget(ResilienceProperties properties, GatewayMetrics metrics) {
		this(limit(properties.maxInFlightMemory()));
		metrics.memoryBudget(this.held::get, this.limit);
	}

	MemoryBudget(long limit) {
		this.limit = limit;
	}

	/** The configured budget, or half of the heap the JVM may grow to. */
	static long limit(@Nullable DataSize configured) {
		return (configured != null) ? configured.toBytes() : Runtime.getRuntime().maxMemory() / 2;
	}

	/** A new, empty share for one request. */
	Reservation open() {
		return new Reservation();
	}

	/** Bytes held by the requests in flight. */
	long held() {
		return this.held.get();
	}

	private boolean take(long bytes, long alreadyHeld) {
		while (true) {
			long now = this.held.get();
			boolean alone = now == alreadyHeld;
			if (now + bytes > this.limit && !alone) {
				return false;
			}
			if (this.held.compareAndSet(now, now + bytes)) {
				return true;
			}
		}
	}

	/** What one request holds. Safe to use from any thread. */
	final class Reservation implements AutoCloseable {

		private long held;

		private boolean closed;

		private Reservation() {
		}

		/**
		 * Takes {@code bytes} more for this request.
		 * @throws GatewayBusyException when they do not fit; this request keeps what it
		 * already holds until it ends
		 */
		synchronized void add(long bytes, String what) {
			if (this.closed || bytes <= 0) {
				return;
			}
			if (!take(bytes, this.held)) {
				throw new GatewayBusyException("The gateway is holding as much request and answer data as it may ("
						+ "gateway.resilience.max-in-flight-memory) and cannot take " + what + " now. Retry shortly.");
			}
			this.held += bytes;
		}

		/**
		 * Gives back {@code bytes} of what this request took with {@link #add}, once what
		 * they counted is garbage.
		 */
		synchronized void release(long bytes) {
			long given = Math.min(Math.max(bytes, 0), this.held);
			this.held -= given;
			MemoryBudget.this.held.addAndGet(-given);
		}

		/** Gives back everything this request holds; later additions are not counted. */
		@Override
		public synchronized void close() {
			if (!this.closed) {
				this.closed = true;
				MemoryBudget.this.held.addAndGet(-this.held);
				this.held = 0;
			}
		}

	}

}
