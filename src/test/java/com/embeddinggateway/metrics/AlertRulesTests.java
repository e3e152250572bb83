package com.embeddinggateway.metrics;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The alert rules and the Prometheus configuration, checked by Prometheus' own
 * {@code promtool}: the rules are valid, each alert fires on synthetic series and stays
 * quiet on others, and each has a severity, a summary and a runbook in the README.
 * Without {@code promtool} the promtool checks are skipped, except in CI
 * ({@code CI=true}), where {@code .ci/run} installs it and its absence fails the build.
 */
class AlertRulesTests {

	static final Path TESTS = Path.of("ops/prometheus/alerts.test.yaml");

	static final Path CONFIG = Path.of("ops/prometheus/prometheus.yml");

	/** Where the compose stack mounts the rules. */
	static final String MOUNTED_RULES = "/etc/prometheus/alerts.yaml";

	@Test
	void promtoolFindsTheRulesValid() throws Exception {
		assertThat(promtool("check", "rules", QueriedMetrics.RULES.toString())).contains("SUCCESS");
	}

	@Test
	void everyAlertFiresOnItsSyntheticSeriesAndStaysQuietOnTheOthers() throws Exception {
		assertThat(promtool("test", "rules", TESTS.toString())).contains("SUCCESS");
	}

	@Test
	@SuppressWarnings("unchecked")
	void everyAlertHasATestThatFiresItAndOneThatKeepsItQuiet() throws IOException {
		Set<String> fired = new HashSet<>();
		Set<String> quiet = new HashSet<>();
		for (Map<String, Object> test : (List<Map<String, Object>>) yaml(TESTS).get("tests")) {
			for (Map<String, Object> check : (List<Map<String, Object>>) test.get("alert_rule_test")) {
				List<Object> expected = (List<Object>) check.get("exp_alerts");
				((expected == null || expected.isEmpty()) ? quiet : fired).add((String) check.get("alertname"));
			}
		}
		List<String> alerts = alerts();
		assertThat(alerts).isNotEmpty();
		assertThat(fired).containsAll(alerts);
		assertThat(quiet).containsAll(alerts);
	}

	@Test
	@SuppressWarnings("unchecked")
	void everyAlertHasASeveritySummaryAndARunbookInTheReadme() throws IOException {
		String readme = Files.readString(Path.of("README.md"));
		for (Map<String, Object> rule : QueriedMetrics.rules()) {
			String alert = (String) rule.get("alert");
			if (alert == null) {
				continue;
			}
			Map<String, String> labels = (Map<String, String>) rule.get("labels");
			Map<String, String> annotations = (Map<String, String>) rule.get("annotations");
			assertThat(labels.get("severity")).as(alert + " severity").isIn("critical", "warning");
			assertThat(annotations.get("summary")).as(alert + " summary").isNotBlank();
			assertThat(annotations.get("runbook")).as(alert + " runbook").isEqualTo("README.md#" + alert.toLowerCase());
			assertThat(readme).as(alert + " has a runbook section").contains("\n#### " + alert + "\n");
		}
	}

	@Test
	void prometheusScrapesTheManagementPortAndLoadsTheRules(@TempDir Path dir) throws Exception {
		String config = Files.readString(CONFIG);
		assertThat(config).contains("job_name: gateway")
			.contains("metrics_path: /actuator/prometheus")
			.contains("'gateway:8081'")
			.contains(MOUNTED_RULES);
		// Checked with the rules where this checkout has them rather than where the
		// compose stack mounts them.
		Path local = dir.resolve("prometheus.yml");
		Files.writeString(local, config.replace(MOUNTED_RULES, QueriedMetrics.RULES.toAbsolutePath().toString()));
		assertThat(promtool("check", "config", local.toString())).contains("SUCCESS");
	}

	@SuppressWarnings("unchecked")
	private static List<String> alerts() throws IOException {
		List<String> alerts = new ArrayList<>();
		for (Map<String, Object> rule : QueriedMetrics.rules()) {
			if (rule.get("alert") != null) {
				alerts.add((String) rule.get("alert"));
			}
		}
		return alerts;
	}

	private static Map<String, Object> yaml(Path file) throws IOException {
		try (InputStream in = Files.newInputStream(file)) {
			return new Yaml().load(in);
		}
	}

	/** Runs promtool; its output, or a failure with it when it exits non-zero. */
	private static String promtool(String... arguments) throws Exception {
		Path promtool = onPath("promtool");
		if (promtool == null) {
			if ("true".equals(System.getenv("CI"))) {
				fail("promtool is not installed; .ci/run installs it (Debian package prometheus)");
			}
			Assumptions.abort("promtool is not installed (Debian package prometheus)");
		}
		List<String> command = new ArrayList<>(List.of(promtool.toString()));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool ended").isTrue();
		assertThat(process.exitValue()).as(String.join(" ", arguments) + ":\n" + output).isZero();
		return output;
	}

	private static Path onPath(String name) {
		for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			Path candidate = Path.of(directory, name);
			if (Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		return null;
	}

}
