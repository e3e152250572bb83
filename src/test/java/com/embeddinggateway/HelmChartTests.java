package com.embeddinggateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.embeddinggateway.HelmChart.Rendered;
import com.embeddinggateway.local.LocalModels;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.FileSystemUtils;

import static com.embeddinggateway.HelmChart.at;
import static com.embeddinggateway.HelmChart.list;
import static com.embeddinggateway.HelmChart.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Helm chart, linted and rendered by Helm itself with its default values and with
 * every option on, and held against the application and against {@code ops/}: probes on
 * the paths and ports the gateway serves, every key the Deployment reads rendered, the
 * alert rules and dashboard the same as the ones docker compose uses, a grace period that
 * covers the gateway's own shutdown, a schema that refuses mistakes.
 */
class HelmChartTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void passesStrictLintWithItsDefaultValues() {
		LintResult lint = new Helm(HelmChart.CHART).lint().strict().call();

		assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
	}

	@Test
	void passesStrictLintWithEveryOptionOn(@TempDir Path dir) throws IOException {
		// helm lint takes no values file here: lint a copy whose values.yaml has every
		// option on.
		Path chart = dir.resolve("embedding-gateway");
		FileSystemUtils.copyRecursively(HelmChart.CHART, chart);
		Map<String, Object> values = HelmChart.merge(map(HelmChart.load(HelmChart.CHART.resolve("values.yaml"))),
				map(HelmChart.load(HelmChart.ALL_OPTIONS_ON)));
		Files.writeString(chart.resolve("values.yaml"), HelmChart.yaml().dump(values));

		LintResult lint = new Helm(chart).lint().strict().call();

		assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
	}

	@Test
	void probesCallThePathsAndPortsTheGatewayServes() {
		for (Rendered rendered : List.of(defaults(), allOptionsOn())) {
			Map<String, Object> container = rendered.container();
			Map<String, Object> app = rendered.applicationYaml();
			Map<String, Integer> ports = new HashMap<>();
			list(container.get("ports"))
				.forEach((port) -> ports.put((String) map(port).get("name"), (Integer) map(port).get("containerPort")));

			assertThat(ports).containsEntry("http", (Integer) at(app, "server.port"))
				.containsEntry("management", (Integer) at(app, "management.server.port"));
			assertThat(ports.get("http")).isEqualTo(8080);
			assertThat(at(container, "livenessProbe.httpGet.path")).isEqualTo("/livez");
			assertThat(at(container, "startupProbe.httpGet.path")).isEqualTo("/livez");
			assertThat(at(container, "readinessProbe.httpGet.path")).isEqualTo("/readyz");
			for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
				assertThat(at(container, probe + ".httpGet.port")).as(probe).isEqualTo("http");
			}
			Map<String, Object> service = rendered.one("Service");
			assertThat(list(at(service, "spec.ports"))).extracting((port) -> map(port).get("targetPort"))
				.containsExactly("http", "management");
		}
	}

	@Test
	void everySecretAndConfigMapKeyTheDeploymentReadsIsRendered() {
		for (Rendered rendered : List.of(defaults(), allOptionsOn())) {
			Map<String, Object> pod = map(at(rendered.one("Deployment"), "spec.template.spec"));
			List<String> variables = new ArrayList<>();
			for (Object variable : list(rendered.container().get("env"))) {
				variables.add((String) map(variable).get("name"));
				Object ref = at(variable, "valueFrom.secretKeyRef");
				if (ref != null) {
					Map<String, Object> secret = rendered.named("Secret", (String) map(ref).get("name"));
					assertThat(map(secret.get("data"))).as("Secret key read by %s", map(variable).get("name"))
						.containsKey((String) map(ref).get("key"));
				}
			}
			for (Object volume : list(pod.get("volumes"))) {
				Object configMap = map(volume).get("configMap");
				if (configMap != null) {
					Map<String, Object> rendersIt = rendered.named("ConfigMap", (String) map(configMap).get("name"));
					for (Object item : list(map(configMap).get("items"))) {
						assertThat(map(rendersIt.get("data"))).containsKey((String) map(item).get("key"));
					}
				}
			}
			// Every ${VARIABLE} without a default in application.yml is set by the
			// Deployment.
			Matcher placeholder = Pattern.compile("\\$\\{([A-Z0-9_]+)}").matcher(rendered.applicationYamlText());
			while (placeholder.find()) {
				assertThat(variables).contains(placeholder.group(1));
			}
		}
	}

	@Test
	void tenantKeysGoToTheSecretAndOnlyDigestsToTheConfigMap() {
		Rendered rendered = allOptionsOn();
		Map<String, Object> data = map(rendered.named("Secret", "gw-embedding-gateway").get("data"));

		assertThat(decode(data.get("siliconflow-api-key"))).isEqualTo("sf-shared-key");
		assertThat(decode(data.get("tenant-chat-team-upstream-api-key"))).isEqualTo("sf-chat-team-key");
		assertThat(decode(data.get("redis-password"))).isEqualTo("redis-secret");
		assertThat(rendered.applicationYamlText()).doesNotContain("sf-shared-key", "sf-chat-team-key", "redis-secret");
		List<Object> tenants = list(at(rendered.applicationYaml(), "gateway.tenants"));
		assertThat(map(tenants.get(0))).doesNotContainKeys("upstream-api-key", "ownUpstreamApiKey");
		assertThat(map(tenants.get(1))).containsEntry("upstream-api-key", "${TENANT_1_UPSTREAM_API_KEY}");
		assertThat(at(rendered.applicationYaml(), "spring.data.redis.host")).isEqualTo("redis-master.cache.svc");
	}

	@Test
	void anExistingSecretReplacesTheChartsOwn() {
		Rendered rendered = HelmChart.template(
				(helm) -> helm.withValuesFile(HelmChart.ALL_OPTIONS_ON).set("secret.existingSecret", "gateway-keys"));

		assertThat(rendered.ofKind("Secret")).isEmpty();
		assertThat(list(rendered.container().get("env"))).map((variable) -> at(variable, "valueFrom.secretKeyRef.name"))
			.filteredOn((name) -> name != null)
			.containsOnly("gateway-keys")
			.hasSize(3);
	}

	@Test
	void gracePeriodCoversThePreStopSleepTheDrainAndTheInProcessModels() {
		for (Rendered rendered : List.of(defaults(), allOptionsOn())) {
			Map<String, Object> pod = map(at(rendered.one("Deployment"), "spec.template.spec"));
			List<Object> preStop = list(at(rendered.container(), "lifecycle.preStop.exec.command"));
			long sleep = Long.parseLong((String) preStop.get(1));
			Duration drain = DurationStyle
				.detectAndParse((String) at(rendered.applicationYaml(), "spring.lifecycle.timeout-per-shutdown-phase"));
			Object deadline = at(rendered.applicationYaml(), "gateway.resilience.deadline");

			assertThat(preStop.get(0)).isEqualTo("sleep");
			assertThat(drain).isGreaterThan(
					(deadline != null) ? DurationStyle.detectAndParse((String) deadline) : Duration.ofSeconds(60));
			assertThat(pod.get("terminationGracePeriodSeconds"))
				.isEqualTo((int) (sleep + drain.toSeconds() + LocalModels.CLOSE_WAIT.toSeconds() + 5));
		}
		assertThat(at(defaults().one("Deployment"), "spec.template.spec.terminationGracePeriodSeconds")).isEqualTo(100);
	}

	@Test
	void podsRunAsANumericNonRootUserOnAReadOnlyRootWithTmpWritable() {
		Rendered rendered = defaults();
		Map<String, Object> pod = map(at(rendered.one("Deployment"), "spec.template.spec"));
		Map<String, Object> container = rendered.container();

		assertThat(at(pod, "securityContext.runAsNonRoot")).isEqualTo(true);
		assertThat(at(container, "securityContext.runAsUser")).isEqualTo(10001);
		assertThat(at(container, "securityContext.readOnlyRootFilesystem")).isEqualTo(true);
		assertThat(at(container, "securityContext.allowPrivilegeEscalation")).isEqualTo(false);
		assertThat(list(container.get("volumeMounts"))).extracting((mount) -> map(mount).get("mountPath"))
			.contains("/tmp", "/config");
		assertThat(at(container, "resources.limits.memory")).isEqualTo("1Gi");
		assertThat(list(at(pod, "topologySpreadConstraints"))).hasSize(2);
	}

	@Test
	void aChangedConfigurationRollsThePods() {
		Map<String, Object> before = map(at(defaults().one("Deployment"), "spec.template.metadata.annotations"));
		Map<String, Object> after = map(at(
				HelmChart.template((helm) -> helm.set("config.gateway.fanout.max-parallel-calls", 4)).one("Deployment"),
				"spec.template.metadata.annotations"));

		assertThat(before).containsKeys("checksum/config", "checksum/secret");
		assertThat(after.get("checksum/config")).isNotEqualTo(before.get("checksum/config"));
		assertThat(after.get("checksum/secret")).isEqualTo(before.get("checksum/secret"));
	}

	@Test
	void everyOptionalObjectIsRenderedWhenOnAndNoneByDefault() {
		Set<String> optional = Set.of("ServiceMonitor", "PrometheusRule", "NetworkPolicy", "Ingress");
		Set<String> kinds = new HashSet<>();
		allOptionsOn().objects().forEach((object) -> kinds.add((String) object.get("kind")));
		Set<String> defaultKinds = new HashSet<>();
		defaults().objects().forEach((object) -> defaultKinds.add((String) object.get("kind")));

		assertThat(kinds).containsAll(optional)
			.contains("Deployment", "Service", "ConfigMap", "Secret", "HorizontalPodAutoscaler", "PodDisruptionBudget",
					"ServiceAccount");
		assertThat(defaultKinds).doesNotContainAnyElementsOf(optional)
			.contains("HorizontalPodAutoscaler", "PodDisruptionBudget");
		assertThat(list(at(allOptionsOn().one("HorizontalPodAutoscaler"), "spec.metrics"))).hasSize(2);
	}

	@Test
	void thePrometheusRuleCarriesTheRulesOfOpsAlerts() {
		Map<String, Object> rule = allOptionsOn().one("PrometheusRule");

		assertThat(rule.get("spec")).isEqualTo(HelmChart.load(Path.of("ops", "prometheus", "alerts.yaml")));
	}

	@Test
	void theDashboardConfigMapCarriesTheDashboardOfOps() throws IOException {
		Map<String, Object> dashboard = allOptionsOn().named("ConfigMap", "gw-embedding-gateway-dashboard");

		assertThat(at(dashboard, "metadata.labels.grafana_dashboard")).isEqualTo("1");
		assertThat(JSON.readTree((String) map(dashboard.get("data")).get("embedding-gateway.json")))
			.isEqualTo(JSON.readTree(Files.readString(Path.of("ops", "grafana", "embedding-gateway.json"))));
	}

	/**
	 * Helm reads no file outside its chart: the chart keeps copies of the ops files. Copy
	 * them again when ops/ changes: {@code cp ops/prometheus/alerts.yaml
	 * ops/grafana/embedding-gateway.json helm/embedding-gateway/files/}.
	 */
	@Test
	void theChartsCopiesOfTheOpsFilesAreTheSame() throws IOException {
		assertThat(Files.readString(HelmChart.CHART.resolve("files/alerts.yaml")))
			.as("helm/embedding-gateway/files/alerts.yaml is a copy of ops/prometheus/alerts.yaml")
			.isEqualTo(Files.readString(Path.of("ops", "prometheus", "alerts.yaml")));
		assertThat(Files.readString(HelmChart.CHART.resolve("files/embedding-gateway.json")))
			.as("helm/embedding-gateway/files/embedding-gateway.json is a copy of ops/grafana/embedding-gateway.json")
			.isEqualTo(Files.readString(Path.of("ops", "grafana", "embedding-gateway.json")));
	}

	@Test
	void theSchemaRefusesMisspelledKeysAndBadValues() {
		assertThatThrownBy(() -> HelmChart.template((helm) -> helm.set("replicas", 3)))
			.hasMessageContaining("replicas");
		assertThatThrownBy(() -> HelmChart.template((helm) -> helm.set("shutdown.drainSeconds", 30)))
			.hasMessageContaining("drainSeconds");
		assertThatThrownBy(() -> HelmChart.template(
				(helm) -> helm.set("tenants[0].id", "search-team").set("tenants[0].api-key-sha256[0]", "not-a-digest")))
			.hasMessageContaining("api-key-sha256");
		assertThatThrownBy(() -> HelmChart.template((helm) -> helm.set("redis.prot", 6379)))
			.hasMessageContaining("prot");
	}

	@Test
	void theDrainMustOutlastAConfiguredDeadline() {
		assertThatThrownBy(() -> HelmChart.template((helm) -> helm.set("config.gateway.resilience.deadline", "90s")))
			.hasMessageContaining("shutdown.drainSeconds (70) must be longer than gateway.resilience.deadline (90 s)");
		assertThatThrownBy(() -> HelmChart
			.template((helm) -> helm.set("config.gateway.resilience.deadline", "2m").set("shutdown.drainSeconds", 100)))
			.hasMessageContaining("(120 s)");
		assertThat(HelmChart
			.template((helm) -> helm.set("config.gateway.resilience.deadline", "2m").set("shutdown.drainSeconds", 130))
			.one("Deployment")).isNotNull();
	}

	@Test
	void aTenantWithItsOwnUpstreamKeyNeedsThatKey() {
		assertThatThrownBy(() -> HelmChart.template((helm) -> helm.set("tenants[0].id", "chat-team")
			.set("tenants[0].api-key-sha256[0]", Fixtures.sha256("k"))
			.set("tenants[0].ownUpstreamApiKey", true))).hasMessageContaining("chat-team");
	}

	private static Rendered defaults() {
		return HelmChart.template((helm) -> helm);
	}

	private static Rendered allOptionsOn() {
		return HelmChart.template((helm) -> helm.withValuesFile(HelmChart.ALL_OPTIONS_ON));
	}

	private static String decode(Object base64) {
		return new String(Base64.getDecoder().decode((String) base64));
	}

}
