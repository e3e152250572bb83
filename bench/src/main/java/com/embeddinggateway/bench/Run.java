package com.embeddinggateway.bench;

import tools.jackson.databind.JsonNode;

/**
 * One load generator result line: one scenario, one server, one load mode.
 *
 * @param cpuTicks server CPU over the measured window, -1 when not sampled
 * @param peakRssKb server peak resident memory over the run, -1 when not sampled
 * @param shed 503 answers, also counted in {@code errors}
 * @param shedFast 503 answers that came back within 50 ms of being sent
 * @param timeouts 504s, response timeouts and requests unanswered at the end, also
 * counted in {@code errors}
 */
record Run(String scenario, String target, String mode, int connections, double rate, long count, long errors,
		double throughput, double p50Millis, double p99Millis, long cpuTicks, int clockTicksPerSecond, long peakRssKb,
		String firstError, long shed, long shedFast, long timeouts) {

	/** A run where nothing was refused or timed out. */
	Run(String scenario, String target, String mode, int connections, double rate, long count, long errors,
			double throughput, double p50Millis, double p99Millis, long cpuTicks, int clockTicksPerSecond,
			long peakRssKb, String firstError) {
		this(scenario, target, mode, connections, rate, count, errors, throughput, p50Millis, p99Millis, cpuTicks,
				clockTicksPerSecond, peakRssKb, firstError, 0, 0, 0);
	}

	static Run fromJson(JsonNode line) {
		return new Run(line.path("scenario").asString(""), line.path("target").asString(""),
				line.path("mode").asString(""), line.path("connections").asInt(0), line.path("rate").asDouble(0),
				line.path("count").asLong(0), line.path("errors").asLong(0), line.path("throughput").asDouble(0),
				line.path("p50_ms").asDouble(0), line.path("p99_ms").asDouble(0), line.path("cpu_ticks").asLong(-1),
				line.path("clk_tck").asInt(100), line.path("peak_rss_kb").asLong(-1),
				line.path("first_error").asString(""), line.path("shed").asLong(0), line.path("shed_fast").asLong(0),
				line.path("timeouts").asLong(0));
	}

	/** Server CPU-seconds spent per 1000 answered requests; NaN when unknown. */
	double cpuSecondsPer1000() {
		if (this.cpuTicks < 0 || this.count == 0 || this.clockTicksPerSecond <= 0) {
			return Double.NaN;
		}
		return (double) this.cpuTicks / this.clockTicksPerSecond / this.count * 1000;
	}

	/** Peak resident memory in MiB; NaN when unknown. */
	double peakRssMb() {
		return (this.peakRssKb < 0) ? Double.NaN : this.peakRssKb / 1024.0;
	}

	boolean is(String scenario, String target, String mode) {
		return this.scenario.equals(scenario) && this.target.equals(target) && this.mode.equals(mode);
	}

}
