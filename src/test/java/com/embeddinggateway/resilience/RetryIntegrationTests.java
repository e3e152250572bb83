package com.embeddinggateway.resilience;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import com.embeddinggateway.FakeSiliconFlow;
import com.embeddinggateway.GatewayClient;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retries, deadlines and spillover over real HTTP, counting the calls the upstream saw.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RetryIntegrationTests {

	static final FakeSiliconFlow upstream = new FakeSiliconFlow();

	static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void gateway(DynamicPropertyRegistry registry) {
		upstream.register(registry);
		registry.add("gateway.resilience.retry.base-delay", () -> "20ms");
		registry.add("gateway.resilience.retry.max-delay", () -> "100ms");
		registry.add("gateway.resilience.breaker.sliding-window-size", () -> "1000");
		registry.add("gateway.resilience.breaker.minimum-number-of-calls", () -> "1000");
		registry.add("gateway.models[0].name", () -> "BAAI/bge-m3");
		registry.add("gateway.models[0].deployments[0].upstream", () -> "siliconflow");
		registry.add("gateway.models[0].deployments[1].upstream", () -> "siliconflow");
		registry.add("gateway.models[0].deployments[1].model", () -> "Pro/BAAI/bge-m3");
	}

	@AfterAll
	static void stopUpstream() {
		upstream.stop();
	}

	@BeforeEach
	void resetUpstream() {
		upstream.reset();
	}

	@Test
	void retriesTwo429sHonouringRetryAfterThenSucceeds() {
		failFirst(2, aResponse().withStatus(429)
			.withHeader("Retry-After", "1")
			.withBody("{\"message\":\"Request was rejected due to rate limiting. Details:RPM limit reached.\"}"));

		long start = System.nanoTime();
		JsonNode reply = embed("Qwen/Qwen3-Embedding-0.6B", List.of("hello"), 200);
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

		assertThat(reply.get("data").get(0).get("embedding").size()).isEqualTo(1024);
		assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
		assertThat(upstream.calls()).hasSize(3)
			.allSatisfy((call) -> assertThat(call.get("model").stringValue()).isEqualTo("Qwen/Qwen3-Embedding-0.6B"));
	}

	@Test
	void retriesAnOverloadedUpstream() {
		failFirst(1, aResponse().withStatus(503)
			.withBody("{\"code\":50505,\"message\":\"Model service overloaded. Please try again later.\"}"));

		embed("Qwen/Qwen3-Embedding-4B", List.of("hello"), 200);

		assertThat(upstream.calls()).hasSize(2);
	}

	@Test
	void retriesAResetConnection() {
		failFirst(1, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

		embed("Qwen/Qwen3-Embedding-4B", List.of("hello"), 200);

		assertThat(upstream.calls()).hasSize(2);
	}

	@Test
	void sendsRequestsTheUpstreamRefusedOnlyOnce() {
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.willReturn(aResponse().withStatus(400).withBody("{\"code\":20015,\"message\":\"bad input\"}")));
		embed("Qwen/Qwen3-Embedding-4B", List.of("hello"), 400);
		assertThat(upstream.calls()).hasSize(1);

		upstream.reset();
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.willReturn(aResponse().withStatus(401).withBody("\"Invalid token\"")));
		embed("Qwen/Qwen3-Embedding-4B", List.of("hello"), 502);
		assertThat(upstream.calls()).hasSize(1);
	}

	@Test
	void retriesOnlyThePartOfAFanOutThatFailed() {
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.withRequestBody(matchingJsonPath("$.input[?(@ == 'text-70')]"))
				.inScenario("part")
				.whenScenarioStateIs(Scenario.STARTED)
				.willReturn(aResponse().withStatus(500).withBody("\"internal error\""))
				.willSetStateTo("failed once"));
		List<String> inputs = IntStream.range(0, 100).mapToObj((i) -> "text-" + i).toList();

		JsonNode reply = embed("Qwen/Qwen3-Embedding-4B", inputs, 200);

		assertThat(reply.get("data")).hasSize(100);
		assertThat(reply.get("data").get(70).get("embedding").get(0).floatValue())
			.isEqualTo(FakeSiliconFlow.vector("text-70", 16)[0]);
		List<JsonNode> calls = upstream.calls();
		assertThat(calls).hasSize(5);
		assertThat(calls.stream().filter((call) -> call.get("input").get(0).stringValue().equals("text-64")))
			.hasSize(2);
	}

	@Test
	void aDeadlineShorterThanTheUpstreamIsA504CloseToIt() {
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.willReturn(aResponse().withTransformers("fake-embeddings").withFixedDelay(15_000)));

		long start = System.nanoTime();
		JsonNode reply = embed("Qwen/Qwen3-Embedding-4B", List.of("hello"), 504, "x-stainless-read-timeout", "0.5");
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

		assertThat(reply.get("error").get("type").stringValue()).isEqualTo("timeout");
		// Cut at the caller's half second, not after the upstream's 15 s: the upper
		// bound leaves a slow machine twenty times the deadline.
		assertThat(elapsed).isBetween(Duration.ofMillis(500), Duration.ofSeconds(10));
	}

	@Test
	void spillsOverFromARateLimitedDeploymentToTheNextOneOfTheSameModel() {
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.withRequestBody(matchingJsonPath("$.model",
						com.github.tomakehurst.wiremock.client.WireMock.equalTo("BAAI/bge-m3")))
				.willReturn(aResponse().withStatus(429).withBody("{\"message\":\"Details:TPM limit reached.\"}")));

		JsonNode reply = embed("bge-m3", List.of("hello"), 200);

		assertThat(reply.get("model").stringValue()).isEqualTo("bge-m3");
		assertThat(reply.get("data").get(0).get("embedding").get(0).floatValue())
			.isEqualTo(FakeSiliconFlow.vector("hello", 16)[0]);
		assertThat(upstream.calls()).extracting((call) -> call.get("model").stringValue())
			.containsExactly("BAAI/bge-m3", "Pro/BAAI/bge-m3");
	}

	private void failFirst(int times, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder failure) {
		String state = Scenario.STARTED;
		for (int i = 1; i <= times; i++) {
			String next = "failed " + i;
			upstream.server()
				.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
					.inScenario("flaky")
					.whenScenarioStateIs(state)
					.willReturn(failure)
					.willSetStateTo(next));
			state = next;
		}
	}

	private JsonNode embed(String model, List<String> inputs, int status, String... headers) {
		EntityExchangeResult<byte[]> result = new GatewayClient(this.port).embed(FakeSiliconFlow.SEARCH_KEY,
				"{\"model\":\"" + model + "\",\"input\":" + json.writeValueAsString(inputs) + "}", headers);
		assertThat(result.getStatus().value()).isEqualTo(status);
		return json.readTree(result.getResponseBody());
	}

}
