package com.embeddinggateway.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** What happened to the requests of the measured window; recorded from any thread. */
final class Measurement {

	/** Far past any response timeout the load generator allows. */
	private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

	/** A refusal slower than this is not the fast 503 load shedding promises. */
	static final long SHED_FAST_MILLIS = 50;

	private static final long SHED_FAST_NANOS = TimeUnit.MILLISECONDS.toNanos(SHED_FAST_MILLIS);

	private final Histogram latencies = new ConcurrentHistogram(HIGHEST_MICROS, 3);

	private final LongAdder ok = new LongAdder();

	private final LongAdder errors = new LongAdder();

	private final LongAdder bytes = new LongAdder();

	private final AtomicReference<String> firstError = new AtomicReference<>();

	/** 503s, timed from when each was sent: how fast a refusal came back. */
	private final Histogram shedLatencies = new ConcurrentHistogram(HIGHEST_MICROS, 3);

	private final LongAdder shedFast = new LongAdder();

	private final LongAdder timeouts = new LongAdder();

	void ok(long latencyNanos, long responseBytes) {
		this.latencies.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, latencyNanos / 1000)));
		this.ok.increment();
		this.bytes.add(responseBytes);
	}

	/** Not a 200, a transport failure, or no answer before the end. */
	void error(String why) {
		this.errors.increment();
		this.firstError.compareAndSet(null, why);
	}

	/**
	 * A 503, also counted as an error; {@code serverNanos} runs from when it was sent,
	 * not from when it was due.
	 */
	void shed(long serverNanos) {
		this.shedLatencies.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, serverNanos / 1000)));
		if (serverNanos < SHED_FAST_NANOS) {
			this.shedFast.increment();
		}
	}

	/**
	 * A 504, a response timeout, or no answer before the end; also counted as an error.
	 */
	void timeout() {
		this.timeouts.increment();
	}

	long shedCount() {
		return this.shedLatencies.getTotalCount();
	}

	/** 503s answered within {@value #SHED_FAST_MILLIS} ms of being sent. */
	long shedFastCount() {
		return this.shedFast.sum();
	}

	long timeoutCount() {
		return this.timeouts.sum();
	}

	double shedPercentileMillis(double percentile) {
		return (shedCount() > 0) ? this.shedLatencies.getValueAtPercentile(percentile) / 1000.0 : 0;
	}

	long okCount() {
		return this.ok.sum();
	}

	long errorCount() {
		return this.errors.sum();
	}

	long bytesPerResponse() {
		long count = this.ok.sum();
		return (count > 0) ? this.bytes.sum() / count : 0;
	}

	String firstError() {
		return this.firstError.get();
	}

	/** The latency at this percentile in milliseconds, 0 when nothing succeeded. */
	double percentileMillis(double percentile) {
		return (this.ok.sum() > 0) ? this.latencies.getValueAtPercentile(percentile) / 1000.0 : 0;
	}

	double maxMillis() {
		return (this.ok.sum() > 0) ? this.latencies.getMaxValue() / 1000.0 : 0;
	}

}
