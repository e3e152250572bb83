package com.embeddinggateway.metrics;

import com.embeddinggateway.FakeSiliconFlow;
import com.embeddinggateway.GatewayClient;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** What /actuator/prometheus shows after real traffic, and what it must never show. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MetricsIntegrationTests {

	static final FakeSiliconFlow upstream = new FakeSiliconFlow();

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	@DynamicPropertySource
	static void gateway(DynamicPropertyRegistry registry) {
		upstream.register(registry);
		registry.add("gateway.resilience.retry.base-delay", () -> "1ms");
	}

	@AfterAll
	static void stopUpstream() {
		upstream.stop();
	}

	@Test
	void countsRequestsTokensUpstreamCallsAndRetriesPerTenantAndModel() {
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.inScenario("retry")
				.whenScenarioStateIs(Scenario.STARTED)
				.willReturn(aResponse().withStatus(503).withBody("{\"code\":50505}"))
				.willSetStateTo("recovered"));
		embed(FakeSiliconFlow.SEARCH_KEY, "BAAI/bge-m3", "[\"one two\",\"three\"]", 200);
		embed(FakeSiliconFlow.SEARCH_KEY, "no-such-model-" + System.nanoTime(), "\"x\"", 404);
		embed("eg-unknown-key-3f9a", "BAAI/bge-m3", "\"x\"", 401);

		String metrics = scrape();

		assertThat(metrics)
			.contains("gateway_requests_seconds_count{model=\"BAAI/bge-m3\",status=\"200\",tenant=\"search-team\"} 1")
			.contains("gateway_inputs_total{model=\"BAAI/bge-m3\",tenant=\"search-team\"} 2.0")
			.contains("gateway_tokens_total{model=\"BAAI/bge-m3\",tenant=\"search-team\"} 3.0")
			.contains("gateway_requests_seconds_count{model=\"unknown\",status=\"404\",tenant=\"search-team\"} 1")
			.contains("gateway_requests_seconds_count{model=\"unknown\",status=\"401\",tenant=\"unauthenticated\"} 1")
			.contains(
					"gateway_upstream_calls_seconds_count{model=\"BAAI/bge-m3\",outcome=\"overloaded\",upstream=\"siliconflow\"} 1")
			.contains(
					"gateway_upstream_calls_seconds_count{model=\"BAAI/bge-m3\",outcome=\"success\",upstream=\"siliconflow\"} 1")
			.contains(
					"gateway_upstream_retries_total{model=\"BAAI/bge-m3\",reason=\"overloaded\",upstream=\"siliconflow\"} 1.0")
			.contains("resilience4j_circuitbreaker_state{name=\"siliconflow:BAAI/bge-m3\",state=\"closed\"} 1.0")
			.doesNotContain("http_server_requests")
			.doesNotContain("http_client_requests")
			.doesNotContain("no-such-model")
			.doesNotContain(FakeSiliconFlow.SEARCH_KEY)
			.doesNotContain("eg-unknown-key")
			.doesNotContain(FakeSiliconFlow.UPSTREAM_KEY);
	}

	private String scrape() {
		return new String(new GatewayClient(this.managementPort).get("/actuator/prometheus", null).getResponseBody());
	}

	private void embed(String key, String model, String input, int status) {
		assertThat(new GatewayClient(this.port).embed(key, "{\"model\":\"" + model + "\",\"input\":" + input + "}")
			.getStatus()
			.value()).isEqualTo(status);
	}

}
