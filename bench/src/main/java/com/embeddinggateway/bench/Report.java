package com.embeddinggateway.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToDoubleFunction;

import tools.jackson.databind.json.JsonMapper;

/**
 * Turns the load generator's result lines into {@code bench/RESULTS.md}: one table row
 * per run with its ratio to nginx in the same scenario, then the targets, each
 * met or missed. The scenario names here are the ones {@code run.sh} gives.
 */
public final class Report {

	static final String SINGLE = "1x1024";

	static final String BATCH = "32x1024";

	static final String FANOUT = "2048x1024@50ms";

	static final String BASE64 = "32x1024-base64";

	static final String QWEN = "qwen8b-32x4096";

	/**
	 * {@link #SINGLE} through a second gateway whose tenant has limits held in Redis,
	 * against the first gateway, which has none.
	 */
	static final String QUOTA = "1x1024-quota";

	/**
	 * 32 x 1024 answered from the gateway's cache; nginx proxies the uncached upstream.
	 */
	static final String CACHED = "32x1024-cached";

	/**
	 * Suffixes of the gateway-only open-loop runs at half and at 1.5 x the gateway's own
	 * closed-loop maximum in the same scenario.
	 */
	static final String OWN_HALF = "-own-half";

	static final String OVERLOAD = "-overload";

	static final String DIRECT = "direct";

	static final String NGINX = "nginx";

	static final String GATEWAY = "gateway";

	/** The fan-out scenario: inputs, SiliconFlow's batch limit, upstream latency. */
	static final int FANOUT_INPUTS = 2048;

	static final int FANOUT_BATCH = 32;

	static final int FANOUT_LATENCY_MS = 50;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Set<String> OPTIONS = Set.of("results", "out", "date", "command", "machine", "warmup",
			"duration", "parallel-parts", "gateway-alive");

	private final List<Run> runs;

	private Report(List<Run> runs) {
		this.runs = runs;
	}

	public static void main(String[] arguments) throws IOException {
		Args args = Args.parse(arguments, OPTIONS);
		List<Run> runs = new ArrayList<>();
		for (String line : Files.readAllLines(Path.of(args.required("results")))) {
			if (!line.isBlank()) {
				runs.add(Run.fromJson(JSON.readTree(line)));
			}
		}
		Report report = new Report(runs);
		String markdown = "# Benchmark results\n\n" + "- Date: " + args.get("date", "") + "\n" + "- Command: `"
				+ args.get("command", "bench/run.sh") + "`\n" + "- Machine: " + args.get("machine", "") + "\n"
				+ "- Each run: " + args.get("warmup", "60") + " s of warm-up, then " + args.get("duration", "30")
				+ " s measured.\n\n" + report.markdown(args.intValue("parallel-parts", 16),
						Boolean.parseBoolean(args.get("gateway-alive", "true")));
		System.out.print(markdown);
		if (args.has("out")) {
			Files.writeString(Path.of(args.get("out", "")), markdown, StandardCharsets.UTF_8);
		}
	}

	static Report of(List<Run> runs) {
		return new Report(runs);
	}

	String markdown(int parallelParts, boolean gatewayAlive) {
		StringBuilder out = new StringBuilder();
		out.append("## Runs\n\n");
		out.append("| scenario | load | server | req/s | p50 ms | p99 ms | CPU-s / 1000 req | peak RSS MB | errors "
				+ "| req/s ÷ nginx | p99 ÷ nginx |\n");
		out.append("|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
		for (Run run : this.runs) {
			Optional<Run> nginx = find(run.scenario(), NGINX, run.mode());
			out.append(String.join(" | ", "| " + run.scenario(), load(run), run.target(),
					number(run.throughput(), run.throughput() < 100 ? 1 : 0), number(run.p50Millis(), 2),
					number(run.p99Millis(), 2), number(run.cpuSecondsPer1000(), 3), number(run.peakRssMb(), 0),
					Long.toString(run.errors()),
					number(nginx.map((n) -> ratio(run.throughput(), n.throughput())).orElse(Double.NaN), 2),
					number(nginx.map((n) -> ratio(run.p99Millis(), n.p99Millis())).orElse(Double.NaN), 2) + " |\n"));
		}
		out.append("\n## Targets\n\n| target | measured | goal | verdict |\n|---|--:|--:|---|\n");
		for (Check check : checks(parallelParts, gatewayAlive)) {
			out.append("| ")
				.append(String.join(" | ", check.what(), check.measured(), check.goal(), check.verdict().text()))
				.append(" |\n");
		}
		List<String> failures = this.runs.stream()
			.filter((run) -> !run.firstError().isEmpty())
			.map((run) -> "- " + run.scenario() + " " + run.target() + " " + run.mode() + ": " + run.firstError())
			.toList();
		if (!failures.isEmpty()) {
			out.append("\n## First error of each run with errors\n\n").append(String.join("\n", failures)).append('\n');
		}
		out.append("\n").append(LEGEND);
		return out.toString();
	}

	List<Check> checks(int parallelParts, boolean gatewayAlive) {
		List<Check> checks = new ArrayList<>();
		checks.add(Check.atLeast("1 input, max throughput, gateway ÷ nginx", throughputRatio(SINGLE, GATEWAY), 0.7));
		checks.add(Check.atLeast("32 inputs, max throughput, gateway ÷ nginx", throughputRatio(BATCH, GATEWAY), 0.8));
		checks.add(Check.atLeast("Tenant limits in Redis, 1 input, max throughput ÷ the same without limits",
				ratio(figure(QUOTA, GATEWAY, "closed", Run::throughput),
						figure(SINGLE, GATEWAY, "closed", Run::throughput)),
				0.8));
		checks.add(Check.atLeast("32 inputs fully cached, max throughput, gateway ÷ nginx (uncached)",
				throughputRatio(CACHED, GATEWAY), 1.0));
		for (String scenario : List.of(SINGLE, BATCH)) {
			checks.add(Check.atMost(scenario + " at half nginx's max rate, p99 gateway ÷ nginx",
					ratio(figure(scenario, GATEWAY, "open", Run::p99Millis),
							figure(scenario, NGINX, "open", Run::p99Millis)),
					2));
		}
		int ideal = idealFanoutMillis(FANOUT_INPUTS, FANOUT_BATCH, parallelParts, FANOUT_LATENCY_MS);
		checks.add(Check.atMost(
				"2048 inputs at 50 ms, gateway p50 ÷ ideal of ceil(" + parts(FANOUT_INPUTS, FANOUT_BATCH) + " / "
						+ parallelParts + ") x " + FANOUT_LATENCY_MS + " ms = " + ideal + " ms",
				ratio(figure(FANOUT, GATEWAY, "closed", Run::p50Millis), ideal), 1.5));
		for (String scenario : List.of(SINGLE, BATCH, BASE64, QWEN)) {
			checks.add(Check.atLeast(scenario + ": mock not the bottleneck, direct ÷ gateway max throughput",
					ratio(figure(scenario, DIRECT, "closed", Run::throughput),
							figure(scenario, GATEWAY, "closed", Run::throughput)),
					2));
		}
		for (String scenario : List.of(SINGLE, BATCH)) {
			checks.addAll(overloadChecks(scenario));
		}
		// Past its maximum the gateway is meant to refuse; those runs are judged above.
		long gatewayErrors = this.runs.stream()
			.filter((run) -> run.target().equals(GATEWAY) && !run.scenario().endsWith(OVERLOAD))
			.mapToLong(Run::errors)
			.sum();
		checks.add(Check.holds("-Xmx256m: gateway answered every request of every scenario",
				gatewayErrors + " errors" + (gatewayAlive ? "" : ", process died"), gatewayErrors == 0 && gatewayAlive,
				"0 errors, alive"));
		return checks;
	}

	/**
	 * Open loop at 1.5 x the gateway's own maximum: the 200s keep their latency (p99 at
	 * most 3 x the gateway's at half its maximum), goodput stays at 80% of the maximum,
	 * every other answer is a 503 within 50 ms, and nothing times out.
	 */
	List<Check> overloadChecks(String scenario) {
		String what = scenario + " at 1.5 x the gateway's max rate, ";
		Optional<Run> overload = find(scenario + OVERLOAD, GATEWAY, "open");
		List<Check> checks = new ArrayList<>();
		checks.add(Check.atMost(what + "p99 of the 200s ÷ its p99 at half its max",
				ratio(overload.map(Run::p99Millis).orElse(Double.NaN),
						figure(scenario + OWN_HALF, GATEWAY, "open", Run::p99Millis)),
				3));
		checks.add(Check.atLeast(what + "goodput ÷ its max", ratio(overload.map(Run::throughput).orElse(Double.NaN),
				figure(scenario, GATEWAY, "closed", Run::throughput)), 0.8));
		if (overload.isEmpty()) {
			checks.add(Check.atLeast(what + "other answers that were 503s within 50 ms", Double.NaN, 1));
			checks.add(Check.atMost(what + "timeouts", Double.NaN, 0));
			return checks;
		}
		Run run = overload.get();
		checks.add(Check.holds(what + "other answers that were 503s within 50 ms",
				run.shedFast() + " of " + run.errors(), run.shedFast() == run.errors(), "all"));
		checks.add(Check.holds(what + "timeouts", Long.toString(run.timeouts()), run.timeouts() == 0, "0"));
		return checks;
	}

	/**
	 * The best a fan-out can do: every round of parallel parts costs one upstream
	 * latency.
	 */
	static int idealFanoutMillis(int inputs, int batch, int parallelParts, int latencyMillis) {
		int rounds = (parts(inputs, batch) + parallelParts - 1) / parallelParts;
		return rounds * latencyMillis;
	}

	/** {@code a / b}, or NaN when either is unknown or {@code b} is not positive. */
	static double ratio(double a, double b) {
		if (Double.isNaN(a) || Double.isNaN(b) || b <= 0) {
			return Double.NaN;
		}
		return a / b;
	}

	private static int parts(int inputs, int batch) {
		return (inputs + batch - 1) / batch;
	}

	private double throughputRatio(String scenario, String target) {
		return ratio(figure(scenario, target, "closed", Run::throughput),
				figure(scenario, NGINX, "closed", Run::throughput));
	}

	private double figure(String scenario, String target, String mode, ToDoubleFunction<Run> of) {
		return find(scenario, target, mode).map(of::applyAsDouble).orElse(Double.NaN);
	}

	private Optional<Run> find(String scenario, String target, String mode) {
		return this.runs.stream().filter((run) -> run.is(scenario, target, mode)).findFirst();
	}

	private static String load(Run run) {
		return "closed".equals(run.mode()) ? "closed, " + run.connections() + " conn"
				: "open, " + number(run.rate(), 0) + " req/s";
	}

	private static String number(double value, int decimals) {
		if (Double.isNaN(value) || Double.isInfinite(value)) {
			return "–";
		}
		return String.format(Locale.ROOT, "%." + decimals + "f", value);
	}

	private static final String LEGEND = """
			## How to read it

			- **direct**: the load generator against the mock upstream; **nginx**: through nginx \
			`proxy_pass` to the same mock (the bare reverse proxy that does no work); **gateway**: \
			through the gateway as deployed, tenant authentication on.
			- **closed, N conn**: N callers send back to back; req/s is the maximum throughput. \
			**open, R req/s**: requests leave at a fixed rate, and latency counts from when each was \
			due, so queueing shows in p99. The open rate is half of nginx's closed-loop maximum; in the \
			gateway-only `-own-half` and `-overload` runs, half and 1.5 x the gateway's own. Errors \
			include 503s; in an overload run, p99 is that of the 200s.
			- **CPU-s / 1000 req**: user + system CPU of the server process only (the mock JVM, \
			nginx master and workers, the gateway JVM) over the measured window, per 1000 answered \
			requests. **peak RSS**: its peak resident memory during the run, warm-up included.
			- Ratios are against nginx in the same scenario and load. The load generator runs on the \
			same cores, so absolute figures depend on the machine; ratios from one session do not.
			""";

}
