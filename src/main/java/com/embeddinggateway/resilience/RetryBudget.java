package com.embeddinggateway.resilience;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Caps retries at a fraction of first attempts over a sliding window, per upstream. When
 * an upstream fails for everyone at once, per-call retry limits still multiply its load
 * by the attempt count; the budget keeps that multiplier near {@code 1 + ratio}.
 * <p>
 * The window is a ring of ten buckets, so it slides in tenths.
 */
final class RetryBudget {

	private static final int BUCKETS = 10;

	private final double ratio;

	private final int minRetries;

	private final long bucketMillis;

	private final LongSupplier clockMillis;

	private final long[] attempts = new long[BUCKETS];

	private final long[] retries = new long[BUCKETS];

	private long currentBucket;

	RetryBudget(double ratio, int minRetries, Duration window, LongSupplier clockMillis) {
		this.ratio = ratio;
		this.minRetries = minRetries;
		this.bucketMillis = Math.max(1, window.toMillis() / BUCKETS);
		this.clockMillis = clockMillis;
		this.currentBucket = clockMillis.getAsLong() / this.bucketMillis;
	}

	/** Counts a first attempt, which earns {@code ratio} of a retry. */
	synchronized void recordAttempt() {
		this.attempts[slot()]++;
	}

	/** Takes a retry from the budget if one is left. */
	synchronized boolean tryRetry() {
		int slot = slot();
		long attemptSum = 0;
		long retrySum = 0;
		for (int i = 0; i < BUCKETS; i++) {
			attemptSum += this.attempts[i];
			retrySum += this.retries[i];
		}
		if (retrySum + 1 > this.minRetries + this.ratio * attemptSum) {
			return false;
		}
		this.retries[slot]++;
		return true;
	}

	/** The current bucket, clearing the ones the window slid past. */
	private int slot() {
		long now = this.clockMillis.getAsLong() / this.bucketMillis;
		long stale = Math.min(BUCKETS, now - this.currentBucket);
		for (long b = 1; b <= stale; b++) {
			int cleared = (int) ((this.currentBucket + b) % BUCKETS);
			this.attempts[cleared] = 0;
			this.retries[cleared] = 0;
		}
		this.currentBucket = Math.max(this.currentBucket, now);
		return (int) (this.currentBucket % BUCKETS);
	}

}
