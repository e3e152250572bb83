package com.embeddinggateway.bench;

import tools.jackson.databind.JsonNode;

/**
 * One load generator result line: one scenario, one server, one load mode.
 *
 * @param cpuTicks server CPU over the measured window, -1 when not sampled
 * @param peakRssKb server peak resident memory over the run, -1 when not sampled
 */
record Run(String scenario, String target, String mode, int connections, double rate, long count, long errors,
		double throughput, double p50Millis, double p99Millis, long cpuTicks, int clockTicksPerSecond, long peakRssKb,
		String firstError) {

	static Run fromJson(JsonNode line) {
		return new Run(line.path("scenario").asString(""), line.path("target").asString(""),
				line.path("mode").asString(""), line.path("connections").asInt(0), line.path("rate").asDouble(0),
				line.path("count").asLong(0), line.path("errors").asLong(0), line.path("throughput").asDouble(0),
				line.path("p50_ms").asDouble(0), line.path("p99_ms").asDouble(0), line.path("cpu_ticks").asLong(-1),
				line.path("clk_tck").asInt(100), line.path("peak_rss_kb").asLong(-1),
				line.path("first_error").asString(""));
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
