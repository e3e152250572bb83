package com.embeddinggateway;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static com.embeddinggateway.HelmChart.at;
import static com.embeddinggateway.HelmChart.list;
import static com.embeddinggateway.HelmChart.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code docker compose up} cannot run here (no Docker engine), so what can be checked
 * without one is: Debian's {@code docker-compose config} and Prometheus's
 * {@code promtool} accept the files (both installed by {@code .ci/run}; skipped on a
 * machine without them, never in CI), the Grafana provisioning files parse, and the files
 * agree with each other on names, ports and paths.
 */
class ComposeStackTests {

	private static final Path COMPOSE = Path.of("docker-compose.yml");

	private static final Path PROMETHEUS = Path.of("ops", "prometheus", "prometheus.yml");

	private static final Path ALERTS = Path.of("ops", "prometheus", "alerts.yaml");

	@Test
	void dockerComposeAcceptsTheStackWithAndWithoutAnEnvFile(@TempDir Path dir) throws Exception {
		String compose = tool("docker-compose");
		String config = run(List.of(compose, "--project-directory", ".", "-f", COMPOSE.toString(), "config"));

		assertThat(config).contains("SILICONFLOW_API_KEY: ''").contains("TENANT_ID: dev");

		Path env = dir.resolve(".env");
		Files.writeString(env, "SILICONFLOW_API_KEY=sk-test\nTENANT_ID=search-team\nTENANT_KEY_SHA256="
				+ Fixtures.sha256("eg-search-team-key") + "\n");
		String withEnv = run(List.of(compose, "--project-directory", ".", "--env-file", env.toString(), "-f",
				COMPOSE.toString(), "config"));
		assertThat(withEnv).contains("SILICONFLOW_API_KEY: sk-test")
			.contains("TENANT_ID: search-team")
			.contains(Fixtures.sha256("eg-search-team-key"));
	}

	@Test
	void promtoolAcceptsThePrometheusConfigurationAndItsRules(@TempDir Path dir) throws Exception {
		String promtool = tool("promtool");
		// The rules are mounted at /etc/prometheus/alerts.yaml in the container; here
		// they
		// are checked where they are.
		Path alerts = dir.resolve("alerts.yaml");
		Files.copy(ALERTS, alerts);
		Path config = dir.resolve("prometheus.yml");
		Files.writeString(config,
				Files.readString(PROMETHEUS).replace("/etc/prometheus/alerts.yaml", alerts.toString()));

		assertThat(run(List.of(promtool, "check", "config", config.toString()))).contains("SUCCESS");
		assertThat(run(List.of(promtool, "check", "rules", ALERTS.toString()))).contains("SUCCESS");
	}

	@Test
	void prometheusScrapesTheGatewaysManagementPortAndLoadsTheMountedRules() {
		Map<String, Object> compose = map(HelmChart.load(COMPOSE));
		Map<String, Object> prometheus = map(HelmChart.load(PROMETHEUS));
		List<Map<String, Object>> gatewayJobs = list(prometheus.get("scrape_configs")).stream()
			.map(HelmChart::map)
			.filter((job) -> list(job.get("static_configs")).stream()
				.anyMatch((targets) -> list(map(targets).get("targets")).contains("gateway:8081")))
			.toList();

		assertThat(gatewayJobs).singleElement()
			.satisfies((job) -> assertThat(job.get("metrics_path")).isEqualTo("/actuator/prometheus"));
		assertThat(list(at(compose, "services.gateway.ports"))).anyMatch((port) -> port.toString().endsWith(":8081"));
		assertThat(list(at(compose, "services.prometheus.volumes"))).contains(
				"./ops/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro",
				"./ops/prometheus/alerts.yaml:/etc/prometheus/alerts.yaml:ro");
		assertThat(list(prometheus.get("rule_files"))).contains("/etc/prometheus/alerts.yaml");
		assertThat(at(compose, "services.gateway.read_only")).isEqualTo(true);
		assertThat(list(at(compose, "services.gateway.tmpfs"))).containsExactly("/tmp");
		assertThat(map(at(compose, "services")).keySet()).containsExactlyInAnyOrder("gateway", "redis", "prometheus",
				"grafana");
		assertThat(at(compose, "services.gateway.environment.SPRING_DATA_REDIS_HOST")).isEqualTo("redis");
	}

	@Test
	void grafanaIsProvisionedWithThePrometheusDatasourceAndTheDashboard() throws IOException {
		Map<String, Object> compose = map(HelmChart.load(COMPOSE));
		Path provisioning = Path.of("ops", "grafana", "provisioning");
		Map<String, Object> datasources = map(HelmChart.load(provisioning.resolve("datasources/prometheus.yaml")));
		Map<String, Object> dashboards = map(HelmChart.load(provisioning.resolve("dashboards/embedding-gateway.yaml")));
		JsonNode dashboard = JsonMapper.builder()
			.build()
			.readTree(Files.readString(Path.of("ops", "grafana", "embedding-gateway.json")));

		Map<String, Object> datasource = map(list(datasources.get("datasources")).get(0));
		assertThat(datasource).containsEntry("type", "prometheus").containsEntry("url", "http://prometheus:9090");
		assertThat(list(at(compose, "services.prometheus.ports")))
			.anyMatch((port) -> port.toString().endsWith(":9090"));
		String dashboardsPath = (String) at(list(dashboards.get("providers")).get(0), "options.path");
		assertThat(list(at(compose, "services.grafana.volumes"))).contains(
				"./ops/grafana/provisioning:/etc/grafana/provisioning:ro",
				"./ops/grafana/embedding-gateway.json:" + dashboardsPath + "/embedding-gateway.json:ro");
		assertThat(dashboard.get("uid").stringValue()).isNotBlank();
		assertThat(dashboard.get("panels")).isNotEmpty();
		for (Object volume : list(at(compose, "services.grafana.volumes"))) {
			assertThat(Path.of(volume.toString().split(":")[0])).exists();
		}
	}

	/**
	 * The path of {@code name}, or the test is skipped where it is missing and this is
	 * not CI ({@code .ci/run} installs it).
	 */
	private static String tool(String name) {
		for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			Path candidate = Path.of(dir, name);
			if (Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		assertThat(System.getenv("CI")).as(name + " is installed by .ci/run").isNull();
		assumeTrue(false, name + " is not installed (apt-get install docker-compose prometheus)");
		return name;
	}

	private static String run(List<String> command) throws IOException, InterruptedException {
		ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
		builder.environment().remove("SILICONFLOW_API_KEY");
		builder.environment().remove("TENANT_ID");
		builder.environment().remove("TENANT_KEY_SHA256");
		Process process = builder.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
		return output;
	}

}
