package com.embeddinggateway.resilience;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * How many calls may be in flight towards one upstream key and model, adjusted the way
 * TCP adjusts its window: a 429 halves the limit (once per round of calls: a 429 from a
 * call that started before the last cut does not cut again), and every success adds
 * {@code 1/limit}, about one more call per round. Callers over the limit wait in line; a
 * caller that gives up while waiting leaves the line without using a slot.
 */
final class AdaptiveConcurrency {

	private static final long ELSEWHERE_CUT_INTERVAL_NANOS = 1_000_000_000L;

	private final int min;

	private final int max;

	private final LongSupplier nanoClock;

	private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

	private double limit;

	private int inFlight;

	private long lastCutNanos;

	AdaptiveConcurrency(int min, int max, LongSupplier nanoClock) {
		this.min = Math.min(min, max);
		this.max = max;
		this.limit = max;
		this.nanoClock = nanoClock;
		this.lastCutNanos = nanoClock.getAsLong();
	}

	/** A slot if one is free now and nobody is waiting for one, else {@code null}. */
	@Nullable Permit tryAcquire() {
		synchronized (this) {
			if (this.waiters.isEmpty() && this.inFlight < (int) this.limit) {
				this.inFlight++;
				return new Permit(this.nanoClock.getAsLong());
			}
		}
		return null;
	}

	/** A slot, now or as soon as one frees up. */
	Mono<Permit> acquire() {
		return Mono.<Permit>create((sink) -> {
			Waiter waiter = new Waiter(sink);
			Permit now = null;
			synchronized (this) {
				if (this.waiters.isEmpty() && this.inFlight < (int) this.limit) {
					this.inFlight++;
					now = new Permit(this.nanoClock.getAsLong());
				}
				else {
					this.waiters.add(waiter);
				}
			}
			if (now != null) {
				sink.success(now);
			}
			else {
				sink.onCancel(() -> abandon(waiter));
			}
		}).doOnDiscard(Permit.class, Permit::release);
	}

	synchronized int limit() {
		return (int) this.limit;
	}

	synchronized int inFlight() {
		return this.inFlight;
	}

	private void abandon(Waiter waiter) {
		Permit granted;
		synchronized (this) {
			if (this.waiters.remove(waiter)) {
				return;
			}
			granted = waiter.permit;
		}
		if (granted != null) {
			granted.release();
		}
	}

	private void freeSlot() {
		List<Waiter> admitted = new ArrayList<>();
		synchronized (this) {
			this.inFlight--;
			while (!this.waiters.isEmpty() && this.inFlight < (int) this.limit) {
				Waiter waiter = this.waiters.poll();
				waiter.permit = new Permit(this.nanoClock.getAsLong());
				this.inFlight++;
				admitted.add(waiter);
			}
		}
		admitted.forEach((waiter) -> waiter.sink.success(waiter.permit));
	}

	private synchronized void succeeded() {
		this.limit = Math.min(this.max, this.limit + 1 / this.limit);
	}

	/**
	 * Another replica received a 429 for this account: cut, at most once a second however
	 * many calls learn of it.
	 */
	synchronized void rateLimitedElsewhere() {
		long now = this.nanoClock.getAsLong();
		if (now - this.lastCutNanos >= ELSEWHERE_CUT_INTERVAL_NANOS) {
			this.limit = Math.max(this.min, this.limit / 2);
			this.lastCutNanos = now;
		}
	}

	private synchronized void rateLimited(long startedNanos) {
		if (startedNanos - this.lastCutNanos >= 0) {
			this.limit = Math.max(this.min, this.limit / 2);
			this.lastCutNanos = this.nanoClock.getAsLong();
		}
	}

	/** One call's slot; released exactly once whatever happens to the call. */
	final class Permit {

		private final long startedNanos;

		private final AtomicBoolean released = new AtomicBoolean();

		private Permit(long startedNanos) {
			this.startedNanos = startedNanos;
		}

		void succeeded() {
			AdaptiveConcurrency.this.succeeded();
		}

		void rateLimited() {
			AdaptiveConcurrency.this.rateLimited(this.startedNanos);
		}

		void release() {
			if (this.released.compareAndSet(false, true)) {
				freeSlot();
			}
		}

	}

	private static final class Waiter {

		private final MonoSink<Permit> sink;

		private volatile @Nullable Permit permit;

		private Waiter(MonoSink<Permit> sink) {
			this.sink = sink;
		}

	}

}
