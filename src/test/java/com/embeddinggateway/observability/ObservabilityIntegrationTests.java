package com.embeddinggateway.observability;

import java.util.ArrayList;
import java.util.List;

import com.embeddinggateway.FakeSiliconFlow;
import com.embeddinggateway.GatewayClient;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the people who run the gateway see of a request: one JSON access line with the
 * documented fields, the request id on every line logged while serving it, and the
 * caller's trace continued into every upstream call.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "gateway.resilience.retry.base-delay=1ms", "management.tracing.sampling.probability=1.0" })
@ExtendWith(OutputCaptureExtension.class)
class ObservabilityIntegrationTests {

	static final FakeSiliconFlow upstream = new FakeSiliconFlow();

	static final JsonMapper json = JsonMapper.builder().build();

	static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

	static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void gateway(DynamicPropertyRegistry registry) {
		upstream.register(registry);
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
	void aCallersTraceparentReachesEveryUpstreamCallWithTheSameTraceId() {
		String inputs = "[" + "\"text\",".repeat(39) + "\"text\"]";

		EntityExchangeResult<byte[]> reply = client().embed(FakeSiliconFlow.SEARCH_KEY,
				"{\"model\":\"BAAI/bge-m3\",\"input\":" + inputs + "}", "traceparent", TRACEPARENT);

		assertThat(reply.getStatus().value()).isEqualTo(200);
		List<LoggedRequest> calls = upstream.requests();
		assertThat(calls).as("40 inputs in calls of 32").hasSize(2);
		List<String> parents = new ArrayList<>();
		for (LoggedRequest call : calls) {
			String traceparent = call.getHeader("traceparent");
			assertThat(traceparent).as("a W3C traceparent on every upstream call")
				.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
			assertThat(traceparent.split("-")[1]).isEqualTo(TRACE_ID);
			parents.add(traceparent.split("-")[2]);
		}
		assertThat(parents).as("each call is its own child span, not the caller's")
			.doesNotContain("00f067aa0ba902b7")
			.doesNotHaveDuplicates();
	}

	@Test
	void withoutATraceparentTheGatewayStartsATraceAndStillSendsOneUpstream() {
		EntityExchangeResult<byte[]> reply = client().embed(FakeSiliconFlow.SEARCH_KEY,
				"{\"model\":\"BAAI/bge-m3\",\"input\":\"hello\"}");

		assertThat(reply.getStatus().value()).isEqualTo(200);
		assertThat(upstream.requests()).singleElement()
			.satisfies(
					(call) -> assertThat(call.getHeader("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]"));
	}

	@Test
	void logsOneJsonAccessLineWithTheDocumentedFields(CapturedOutput output) {
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.inScenario("retry")
				.whenScenarioStateIs(Scenario.STARTED)
				.willReturn(aResponse().withStatus(503).withBody("{\"code\":50505}"))
				.willSetStateTo("recovered"));

		EntityExchangeResult<byte[]> reply = client().embed(FakeSiliconFlow.SEARCH_KEY,
				"{\"model\":\"BAAI/bge-m3\",\"input\":[\"one two\",\"three\"]}", "x-request-id", "req-access-1",
				"traceparent", TRACEPARENT);

		assertThat(reply.getStatus().value()).isEqualTo(200);
		JsonNode line = accessLine(output, "req-access-1");
		assertThat(line.get("traceId").stringValue()).isEqualTo(TRACE_ID);
		assertThat(line.get("traceparent").stringValue()).isEqualTo(TRACEPARENT);
		assertThat(line.get("tenant").stringValue()).isEqualTo("search-team");
		assertThat(line.get("model").stringValue()).isEqualTo("BAAI/bge-m3");
		assertThat(line.get("inputs").asInt()).isEqualTo(2);
		assertThat(line.get("tokens").asInt()).isEqualTo(3);
		assertThat(line.get("upstreamCalls").asInt()).isEqualTo(2);
		assertThat(line.get("retries").asInt()).isEqualTo(1);
		assertThat(line.get("spillovers").asInt()).isEqualTo(0);
		assertThat(line.get("status").asInt()).isEqualTo(200);
		assertThat(line.has("errorCode")).isFalse();
		assertThat(line.get("latencyMs").asLong()).isNotNegative();
		assertThat(line.get("upstreamTraceIds").stringValue()).isEqualTo("trace-2");
		assertThat(line.toString()).doesNotContain("one two").doesNotContain("three");
	}

	@Test
	void aFailedRequestsLineCarriesItsStatusAndErrorCode(CapturedOutput output) {
		EntityExchangeResult<byte[]> reply = client().embed(FakeSiliconFlow.CHAT_KEY,
				"{\"model\":\"Qwen/Qwen3-Embedding-8B\",\"input\":\"x\"}", "x-request-id", "req-access-2");

		assertThat(reply.getStatus().value()).isEqualTo(404);
		JsonNode line = accessLine(output, "req-access-2");
		assertThat(line.get("tenant").stringValue()).isEqualTo("chat-team");
		assertThat(line.get("status").asInt()).isEqualTo(404);
		assertThat(line.get("errorCode").stringValue()).isEqualTo("model_not_found");
		assertThat(line.get("upstreamCalls").asInt()).isZero();
		assertThat(upstream.requests()).isEmpty();
	}

	@Test
	void everyLineLoggedWhileServingARequestCarriesItsRequestId(CapturedOutput output) {
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.willReturn(aResponse().withStatus(503).withBody("{\"code\":50505}")));

		EntityExchangeResult<byte[]> reply = client().embed(FakeSiliconFlow.SEARCH_KEY,
				"{\"model\":\"BAAI/bge-m3\",\"input\":\"x\"}", "x-request-id", "req-mdc-3");

		assertThat(reply.getStatus().value()).isEqualTo(503);
		List<JsonNode> failures = lines(output).stream()
			.filter((line) -> line.path("message").stringValue("").contains("inputs to siliconflow failed"))
			.filter((line) -> line.path("message").stringValue("").contains("req-mdc-3"))
			.toList();
		assertThat(failures).as("one warning per failed attempt, the retries' on other threads").hasSize(4);
		assertThat(failures)
			.allSatisfy((line) -> assertThat(line.path("requestId").stringValue()).isEqualTo("req-mdc-3"));
		assertThat(failures).allSatisfy((line) -> assertThat(line.path("traceId").stringValue()).hasSize(32));
		JsonNode access = accessLine(output, "req-mdc-3");
		assertThat(access.get("upstreamCalls").asInt()).isEqualTo(4);
		assertThat(access.get("retries").asInt()).isEqualTo(3);
		assertThat(access.get("errorCode").stringValue()).isEqualTo("service_unavailable");
		for (String secret : new String[] { FakeSiliconFlow.UPSTREAM_KEY, FakeSiliconFlow.SEARCH_KEY }) {
			assertThat(output.getAll()).doesNotContain(secret);
		}
	}

	private static JsonNode accessLine(CapturedOutput output, String requestId) {
		List<JsonNode> access = lines(output).stream()
			.filter((line) -> line.path("log").path("logger").stringValue("").endsWith("AccessLog")
					|| line.path("log.logger").stringValue("").endsWith("AccessLog"))
			.filter((line) -> requestId.equals(line.path("requestId").stringValue(null)))
			.toList();
		assertThat(access).as("one access line for request " + requestId).hasSize(1);
		return access.get(0);
	}

	private static List<JsonNode> lines(CapturedOutput output) {
		List<JsonNode> lines = new ArrayList<>();
		for (String line : output.getAll().split("\n")) {
			if (line.startsWith("{")) {
				lines.add(json.readTree(line));
			}
		}
		return lines;
	}

	private GatewayClient client() {
		return new GatewayClient(this.port);
	}

}
