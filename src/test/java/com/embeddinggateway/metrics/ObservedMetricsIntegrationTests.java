package com.embeddinggateway.metrics;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.embeddinggateway.FakeSiliconFlow;
import com.embeddinggateway.Fixtures;
import com.embeddinggateway.GatewayClient;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * After a realistic mix of requests (successes, invalid requests, a retry, a spillover,
 * an upstream that keeps answering 429, one that fails until its breaker opens, and a
 * burst that is shed), every metric the README documents is scraped with its labels, and
 * every metric the Grafana dashboard and the alert rules query exists: a renamed metric
 * breaks the build, not the dashboard.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservedMetricsIntegrationTests {

	static final FakeSiliconFlow upstream = new FakeSiliconFlow();

	static final int SHEDDING_LIMIT = 3;

	/**
	 * Metrics of tenant quotas and budgets that the dashboard's and rules' quota group
	 * queries but this build does not make yet. Once the {@code ratelimit} package
	 * exists, this list must be empty: align those queries with the metrics it really
	 * exports.
	 */
	/** A tenant with limits small enough for the mix to reach. */
	static final String LIMITED_KEY = "eg-limited-team-key-5e1a";

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	String scrape;

	@DynamicPropertySource
	static void gateway(DynamicPropertyRegistry registry) {
		upstream.register(registry);
		registry.add("gateway.models[0].name", () -> "spill-test");
		registry.add("gateway.models[0].deployments[0].upstream", () -> "siliconflow");
		registry.add("gateway.models[0].deployments[0].model", () -> "spill-primary");
		registry.add("gateway.models[0].deployments[1].upstream", () -> "siliconflow");
		registry.add("gateway.models[0].deployments[1].model", () -> "spill-secondary");
		registry.add("gateway.models[0].dimensions", () -> "16");
		registry.add("gateway.cache.enabled", () -> "true");
		registry.add("gateway.tenants[2].id", () -> "limited-team");
		registry.add("gateway.tenants[2].api-key-sha256[0]", () -> Fixtures.sha256(LIMITED_KEY));
		registry.add("gateway.tenants[2].limits.requests-per-minute", () -> "1");
		registry.add("gateway.tenants[2].limits.tokens-per-day", () -> "1000000");
		registry.add("gateway.models[1].name", () -> "BAAI/bge-m3");
		registry.add("gateway.models[1].price-per-million-tokens", () -> "0.5");
		// The account's budget: 1000 tokens a minute, refilled at one every 60 ms.
		registry.add("gateway.models[2].name", () -> "Qwen/Qwen3-Embedding-4B");
		registry.add("gateway.models[2].deployments[0].upstream", () -> "siliconflow");
		registry.add("gateway.models[2].deployments[0].model", () -> "Qwen/Qwen3-Embedding-4B");
		registry.add("gateway.models[2].deployments[0].limits.tokens-per-minute", () -> "1000");
		// Redis configured where none listens: the quota store fails, and the gateway
		// goes on
		// on its local limits (fail-open).
		registry.add("spring.data.redis.host", () -> "127.0.0.1");
		registry.add("spring.data.redis.port", () -> Integer.toString(closedPort()));
		registry.add("gateway.resilience.retry.base-delay", () -> "1ms");
		registry.add("gateway.resilience.retry.max-delay", () -> "2ms");
		// Three retries in all, over a window longer than the test: the retry, the
		// upstream that keeps answering 429 and the breaker are served in that order.
		registry.add("gateway.resilience.retry.budget-min-retries", () -> "3");
		registry.add("gateway.resilience.retry.budget-ratio", () -> "0.01");
		registry.add("gateway.resilience.retry.budget-window", () -> "10m");
		registry.add("gateway.resilience.breaker.sliding-window-size", () -> "3");
		registry.add("gateway.resilience.breaker.minimum-number-of-calls", () -> "3");
		registry.add("gateway.shedding.enabled", () -> "true");
		registry.add("gateway.shedding.min-limit", () -> "1");
		registry.add("gateway.shedding.max-limit", () -> Integer.toString(SHEDDING_LIMIT));
		registry.add("gateway.shedding.initial-limit", () -> Integer.toString(SHEDDING_LIMIT));
		// Only the requests in flight, never the machine's speed, decide who is shed.
		registry.add("gateway.shedding.max-loop-delay", () -> "1s");
	}

	@AfterAll
	void stopUpstream() {
		upstream.stop();
	}

	@BeforeAll
	void serveARealisticMix() {
		embed(FakeSiliconFlow.SEARCH_KEY, "BAAI/bge-m3", "[\"one two\",\"three\"]", 200);
		embed(FakeSiliconFlow.SEARCH_KEY, "BAAI/bge-m3", "[\"one two\",\"three\",\"four\"]", 200);
		embed(FakeSiliconFlow.CHAT_KEY, "bge-m3", "\"chat\"", 200);
		embed(FakeSiliconFlow.SEARCH_KEY, "BAAI/bge-m3", "[]", 400);
		embed("eg-unknown-key-3f9a", "BAAI/bge-m3", "\"x\"", 401);
		embed(LIMITED_KEY, "BAAI/bge-m3", "\"first\"", 200);
		embed(LIMITED_KEY, "BAAI/bge-m3", "\"over the minute's one request\"", 429);
		spendTheAccountBudget();
		embed(FakeSiliconFlow.CHAT_KEY, "Qwen/Qwen3-Embedding-8B", "\"x\"", 404);

		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.withRequestBody(matchingJsonPath("$.model", equalTo("BAAI/bge-m3")))
				.inScenario("retry")
				.whenScenarioStateIs(Scenario.STARTED)
				.willReturn(aResponse().withStatus(503).withBody("{\"code\":50505}"))
				.willSetStateTo("recovered"));
		embed(FakeSiliconFlow.SEARCH_KEY, "BAAI/bge-m3", "\"retried\"", 200);

		// Cooling down for longer than the request takes: the retry goes elsewhere.
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.withRequestBody(matchingJsonPath("$.model", equalTo("spill-primary")))
				.willReturn(aResponse().withStatus(429)
					.withHeader("Retry-After", "30")
					.withBody("{\"message\":\"Request was rejected due to rate limiting. Details:TPM\"}")));
		embed(FakeSiliconFlow.SEARCH_KEY, "spill-test", "\"spilled\"", 200);

		answerAlways("BAAI/bge-large-zh-v1.5", 429,
				"{\"message\":\"Request was rejected due to rate limiting. Details:RPM\"}");
		embed(FakeSiliconFlow.SEARCH_KEY, "BAAI/bge-large-zh-v1.5", "\"paced\"", 429);

		answerAlways("BAAI/bge-large-en-v1.5", 500, "{\"code\":50000}");
		for (int i = 0; i < 3; i++) {
			embed(FakeSiliconFlow.SEARCH_KEY, "BAAI/bge-large-en-v1.5", "\"broken " + i + "\"", 503);
		}
		int callsBeforeOpen = upstream.requests().size();
		embed(FakeSiliconFlow.SEARCH_KEY, "BAAI/bge-large-en-v1.5", "\"breaker open\"", 503);
		assertThat(upstream.requests()).as("the open breaker fails fast").hasSize(callsBeforeOpen);

		shedABurst();
		this.scrape = new String(
				new GatewayClient(this.managementPort).get("/actuator/prometheus", null).getResponseBody(),
				StandardCharsets.UTF_8);
	}

	private void spendTheAccountBudget() {
		String model = "Qwen/Qwen3-Embedding-4B";
		embed(FakeSiliconFlow.SEARCH_KEY, model, words(990), 200);
		// 20 more tokens fit after about 0.6 s: a wait within upstream-max-wait (2 s).
		embed(FakeSiliconFlow.SEARCH_KEY, model, words(20), 200);
		// 100 more would need about 6 s: refused at once.
		embed(FakeSiliconFlow.SEARCH_KEY, model, words(100), 429);
	}

	/**
	 * A JSON string of {@code count} one-letter words: as many tokens, estimated or
	 * counted.
	 */
	private static String words(int count) {
		return "\"" + "a ".repeat(count).strip() + "\"";
	}

	private static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void shedABurst() {
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.withRequestBody(matchingJsonPath("$.model", equalTo("netease-youdao/bce-embedding-base_v1")))
				.willReturn(aResponse().withTransformers("fake-embeddings").withFixedDelay(2000)));
		int before = upstream.requests().size();
		List<CompletableFuture<EntityExchangeResult<byte[]>>> admitted = new ArrayList<>();
		for (int i = 0; i < SHEDDING_LIMIT; i++) {
			String body = "{\"model\":\"bce-embedding-base_v1\",\"input\":\"held " + i + "\"}";
			admitted.add(CompletableFuture
				.supplyAsync(() -> new GatewayClient(this.port).embed(FakeSiliconFlow.SEARCH_KEY, body)));
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> upstream.requests().size() == before + SHEDDING_LIMIT);
		embed(FakeSiliconFlow.SEARCH_KEY, "bce-embedding-base_v1", "\"shed\"", 503);
		for (CompletableFuture<EntityExchangeResult<byte[]>> reply : admitted) {
			assertThat(reply.join().getStatus().value()).isEqualTo(200);
		}
	}

	@Test
	void everyMetricTheReadmeDocumentsIsScrapedWithItsLabels() throws IOException {
		Map<String, List<String>> documented = documentedMetrics();
		assertThat(documented).as("the README's Metrics tables")
			.containsKeys("gateway_requests_seconds", "gateway_requests_shed_total",
					"gen_ai_client_operation_duration_seconds", "gen_ai_client_token_usage");
		for (Map.Entry<String, List<String>> metric : documented.entrySet()) {
			List<String> samples = samplesOf(metric.getKey());
			assertThat(samples).as(metric.getKey() + " is scraped").isNotEmpty();
			for (String label : metric.getValue()) {
				assertThat(samples).as(metric.getKey() + " has label " + label)
					.anyMatch((sample) -> sample.contains(label + "=\""));
			}
		}
	}

	@Test
	void everyMetricTheDashboardAndTheAlertRulesQueryIsScraped() throws IOException {
		Set<String> queried = new TreeSet<>(QueriedMetrics.ofDashboard());
		queried.addAll(QueriedMetrics.ofRules());
		Set<String> recorded = QueriedMetrics.recorded();
		Set<String> scraped = sampleNames();
		Set<String> missing = new TreeSet<>();
		for (String name : queried) {
			if (name.contains(":")) {
				assertThat(recorded).as("recorded by a rule: " + name).contains(name);
			}
			else if (!scraped.contains(name)) {
				missing.add(name);
			}
		}
		assertThat(missing).as("queried by the dashboard or the alert rules, absent from /actuator/prometheus")
			.isEmpty();
	}

	/**
	 * The metrics of the README's Metrics section, each with the labels its table gives.
	 */
	private static Map<String, List<String>> documentedMetrics() throws IOException {
		String readme = Files.readString(Path.of("README.md"));
		int start = readme.indexOf("\n## Metrics\n");
		assertThat(start).as("README has a Metrics section").isNotNegative();
		int end = readme.indexOf("\n## ", start + 1);
		Map<String, List<String>> metrics = new TreeMap<>();
		Pattern code = Pattern.compile("`([^`]+)`");
		for (String row : readme.substring(start, (end > 0) ? end : readme.length()).split("\n")) {
			String[] cells = row.split("\\|");
			if (!row.startsWith("| `") || cells.length < 3) {
				continue;
			}
			List<String> labels = new ArrayList<>();
			Matcher label = code.matcher(cells[2]);
			while (label.find()) {
				labels.add(label.group(1));
			}
			Matcher name = code.matcher(cells[1]);
			while (name.find()) {
				metrics.put(name.group(1), labels);
			}
		}
		return metrics;
	}

	/** Sample lines of {@code family}: its own, or its histogram's or summary's. */
	private List<String> samplesOf(String family) {
		List<String> samples = new ArrayList<>();
		for (String line : this.scrape.split("\n")) {
			String name = sampleName(line);
			if (name != null && (name.equals(family) || name.equals(family + "_count")
					|| name.equals(family + "_bucket") || name.equals(family + "_sum"))) {
				samples.add(line);
			}
		}
		return samples;
	}

	private Set<String> sampleNames() {
		Set<String> names = new TreeSet<>();
		for (String line : this.scrape.split("\n")) {
			String name = sampleName(line);
			if (name != null) {
				names.add(name);
			}
		}
		return names;
	}

	private static @Nullable String sampleName(String line) {
		if (line.isBlank() || line.startsWith("#")) {
			return null;
		}
		int end = line.indexOf('{');
		return line.substring(0, (end > 0) ? end : line.indexOf(' '));
	}

	private static void answerAlways(String model, int status, String body) {
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.withRequestBody(matchingJsonPath("$.model", equalTo(model)))
				.willReturn(aResponse().withStatus(status).withBody(body)));
	}

	private void embed(String key, String model, String input, int status) {
		EntityExchangeResult<byte[]> reply = new GatewayClient(this.port).embed(key,
				"{\"model\":\"" + model + "\",\"input\":" + input + "}");
		assertThat(reply.getStatus().value()).as(model + " " + input).isEqualTo(status);
	}

}
