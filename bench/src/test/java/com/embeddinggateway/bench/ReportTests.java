package com.embeddinggateway.bench;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTests {

	@Test
	void cpuSecondsPerThousandRequestsUseTheClockTickRate() {
		// 250 ticks at 100 Hz = 2.5 CPU-seconds for 5000 requests.
		assertThat(run("1x1024", "gateway", "closed", 5000, 250).cpuSecondsPer1000()).isEqualTo(0.5);
	}

	@Test
	void unknownCpuOrNoAnswersGiveNoFigure() {
		assertThat(new Run("s", "t", "closed", 1, 0, 10, 0, 1, 1, 1, -1, 100, -1, "").cpuSecondsPer1000()).isNaN();
		assertThat(new Run("s", "t", "closed", 1, 0, 0, 5, 0, 0, 0, 50, 100, 2048, "").cpuSecondsPer1000()).isNaN();
		assertThat(new Run("s", "t", "closed", 1, 0, 0, 5, 0, 0, 0, 50, 100, 2048, "").peakRssMb()).isEqualTo(2.0);
	}

	@Test
	void readsTheLoadGeneratorsLine() {
		Run run = Run.fromJson(JsonMapper.builder().build().readTree("""
				{"scenario":"32x1024","target":"nginx","mode":"open","connections":1024,"count":900,"errors":2,
				 "throughput":30.0,"p50_ms":4.5,"p99_ms":12.25,"cpu_ticks":45,"clk_tck":100,"peak_rss_kb":10240,
				 "first_error":"HTTP 502","rate":30.0}"""));

		assertThat(run.is("32x1024", "nginx", "open")).isTrue();
		assertThat(run.rate()).isEqualTo(30.0);
		assertThat(run.p99Millis()).isEqualTo(12.25);
		assertThat(run.cpuSecondsPer1000()).isEqualTo(0.5);
		assertThat(run.peakRssMb()).isEqualTo(10.0);
		assertThat(run.firstError()).isEqualTo("HTTP 502");
	}

	@Test
	void idealFanoutIsOneLatencyPerRoundOfParallelParts() {
		assertThat(Report.idealFanoutMillis(2048, 32, 16, 50)).isEqualTo(200);
		assertThat(Report.idealFanoutMillis(2048, 32, 20, 50)).isEqualTo(200);
		assertThat(Report.idealFanoutMillis(2048, 32, 64, 50)).isEqualTo(50);
		assertThat(Report.idealFanoutMillis(70, 32, 1, 50)).isEqualTo(150);
	}

	@Test
	void ratiosNeedAPositiveReference() {
		assertThat(Report.ratio(700, 1000)).isEqualTo(0.7);
		assertThat(Report.ratio(1, 0)).isNaN();
		assertThat(Report.ratio(Double.NaN, 1)).isNaN();
	}

	@Test
	void judgesEachTargetFromTheSameSessionsRuns() {
		List<Run> runs = new ArrayList<>(List.of(run("1x1024", "direct", "closed", 30000, 100),
				run("1x1024", "nginx", "closed", 10000, 100), run("1x1024", "gateway", "closed", 6000, 100),
				run("32x1024", "nginx", "closed", 1000, 100), run("32x1024", "gateway", "closed", 900, 100)));
		runs.add(new Run("1x1024", "nginx", "open", 1024, 166, 5000, 0, 166, 1, 4, 10, 100, 1000, ""));
		runs.add(new Run("1x1024", "gateway", "open", 1024, 166, 5000, 0, 166, 2, 8, 10, 100, 1000, ""));
		runs.add(new Run("2048x1024@50ms", "gateway", "closed", 1, 0, 100, 0, 3, 290, 320, 10, 100, 1000, ""));

		List<Check> checks = Report.of(runs).checks(16, true);

		assertThat(verdict(checks, "1 input, max throughput")).isEqualTo(Check.Verdict.MISSED);
		assertThat(measured(checks, "1 input, max throughput")).isEqualTo("0.6");
		assertThat(verdict(checks, "32 inputs, max throughput")).isEqualTo(Check.Verdict.MET);
		assertThat(verdict(checks, "1x1024 at half")).isEqualTo(Check.Verdict.MET);
		assertThat(measured(checks, "1x1024 at half")).isEqualTo("2");
		assertThat(verdict(checks, "32x1024 at half")).isEqualTo(Check.Verdict.NO_DATA);
		assertThat(verdict(checks, "2048 inputs")).isEqualTo(Check.Verdict.MET);
		assertThat(measured(checks, "2048 inputs")).isEqualTo("1.45");
		assertThat(verdict(checks, "1x1024: mock not the bottleneck")).isEqualTo(Check.Verdict.MET);
		assertThat(verdict(checks, "-Xmx256m")).isEqualTo(Check.Verdict.MET);
	}

	@Test
	void judgesTenantLimitsInRedisAgainstTheSameRunWithout() {
		List<Run> runs = List.of(run("1x1024", "gateway", "closed", 6000, 100),
				run("1x1024-quota", "gateway", "closed", 5100, 100));

		List<Check> checks = Report.of(runs).checks(16, true);

		assertThat(verdict(checks, "Tenant limits in Redis")).isEqualTo(Check.Verdict.MET);
		assertThat(measured(checks, "Tenant limits in Redis")).isEqualTo("0.85");
		assertThat(verdict(Report.of(List.of(runs.get(0))).checks(16, true), "Tenant limits in Redis"))
			.isEqualTo(Check.Verdict.NO_DATA);
	}

	@Test
	void anyGatewayErrorOrDeathMissesTheHeapTarget() {
		List<Run> runs = List.of(new Run("qwen8b-32x4096", "gateway", "closed", 64, 0, 10, 3, 1, 1, 1, 1, 100, 1, ""));

		assertThat(verdict(Report.of(runs).checks(16, true), "-Xmx256m")).isEqualTo(Check.Verdict.MISSED);
		assertThat(verdict(Report.of(List.of()).checks(16, false), "-Xmx256m")).isEqualTo(Check.Verdict.MISSED);
	}

	@Test
	void judgesTheOverloadRunAgainstTheGatewaysOwnMaximumAndHalfOfIt() {
		List<Run> runs = List.of(new Run("1x1024", "gateway", "closed", 64, 0, 300000, 0, 10000, 3, 9, 1, 100, 1, ""),
				new Run("1x1024-own-half", "gateway", "open", 1024, 5000, 150000, 0, 5000, 1, 4, 1, 100, 1, ""),
				new Run("1x1024-overload", "gateway", "open", 1024, 15000, 270000, 180000, 9000, 3, 10, 1, 100, 1,
						"HTTP 503", 180000, 179990, 0),
				new Run("32x1024-overload", "gateway", "open", 1024, 1500, 100, 900, 3, 3, 10, 1, 100, 1, "HTTP 504",
						890, 890, 10));

		List<Check> checks = Report.of(runs).checks(16, true);

		assertThat(measured(checks, "1x1024 at 1.5 x the gateway's max rate, p99")).isEqualTo("2.5");
		assertThat(verdict(checks, "1x1024 at 1.5 x the gateway's max rate, p99")).isEqualTo(Check.Verdict.MET);
		assertThat(measured(checks, "1x1024 at 1.5 x the gateway's max rate, goodput")).isEqualTo("0.9");
		assertThat(verdict(checks, "1x1024 at 1.5 x the gateway's max rate, goodput")).isEqualTo(Check.Verdict.MET);
		assertThat(measured(checks, "1x1024 at 1.5 x the gateway's max rate, other answers"))
			.isEqualTo("179990 of 180000");
		assertThat(verdict(checks, "1x1024 at 1.5 x the gateway's max rate, other answers"))
			.isEqualTo(Check.Verdict.MISSED);
		assertThat(verdict(checks, "1x1024 at 1.5 x the gateway's max rate, timeouts")).isEqualTo(Check.Verdict.MET);
		assertThat(verdict(checks, "32x1024 at 1.5 x the gateway's max rate, timeouts"))
			.isEqualTo(Check.Verdict.MISSED);
		assertThat(verdict(checks, "32x1024 at 1.5 x the gateway's max rate, p99")).isEqualTo(Check.Verdict.NO_DATA);
		assertThat(verdict(checks, "-Xmx256m")).as("refusals past the maximum are judged on their own")
			.isEqualTo(Check.Verdict.MET);
	}

	@Test
	void readsTheRefusalsAndTimeoutsOfARun() {
		Run run = Run.fromJson(JsonMapper.builder().build().readTree("""
				{"scenario":"1x1024-overload","target":"gateway","mode":"open","count":900,"errors":120,
				 "shed":100,"shed_fast":99,"timeouts":20}"""));

		assertThat(run.shed()).isEqualTo(100);
		assertThat(run.shedFast()).isEqualTo(99);
		assertThat(run.timeouts()).isEqualTo(20);
	}

	@Test
	void tableShowsEachRunWithItsRatioToNginx() {
		String markdown = Report
			.of(List.of(run("32x1024", "nginx", "closed", 2000, 300), run("32x1024", "gateway", "closed", 1500, 600)))
			.markdown(16, true);

		assertThat(markdown).contains(
				"| 32x1024 | closed, 64 conn | gateway | 50.0 | 1.00 | 2.00 | 4.000 | 1 | 0 | 0.75 | 1.00 |",
				"| 32x1024 | closed, 64 conn | nginx | 66.7 | 1.00 | 2.00 | 1.500 | 1 | 0 | 1.00 | 1.00 |",
				"| 32 inputs, max throughput, gateway ÷ nginx | 0.75 | >= 0.8 | **missed** |");
	}

	/** A run of 30 s: throughput is count / 30, latencies 1 and 2 ms, 1 MiB peak. */
	private static Run run(String scenario, String target, String mode, long count, long cpuTicks) {
		return new Run(scenario, target, mode, 64, 0, count, 0, Math.round(count / 30.0 * 100) / 100.0, 1, 2, cpuTicks,
				100, 1024, "");
	}

	private static Check.Verdict verdict(List<Check> checks, String what) {
		return find(checks, what).verdict();
	}

	private static String measured(List<Check> checks, String what) {
		return find(checks, what).measured();
	}

	private static Check find(List<Check> checks, String what) {
		return checks.stream().filter((check) -> check.what().startsWith(what)).findFirst().orElseThrow();
	}

}
