package com.embeddinggateway.resilience;

import java.util.ArrayList;
import java.util.List;

import com.embeddinggateway.FakeSiliconFlow;
import com.embeddinggateway.GatewayClient;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
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

/**
 * Which upstream answers open a deployment's breaker, with the default breaker settings
 * (10 calls at least, half of them failed): answers the gateway cannot use do, a rate
 * limit never does. Each case has a model, and so a breaker, of its own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BreakerOutcomesIntegrationTests {

	static final FakeSiliconFlow upstream = new FakeSiliconFlow();

	static final int REQUESTS = 25;

	@LocalServerPort
	int port;

	@Autowired
	ResilientUpstream resilient;

	@DynamicPropertySource
	static void gateway(DynamicPropertyRegistry registry) {
		upstream.register(registry);
		registry.add("gateway.resilience.retry.base-delay", () -> "1ms");
		registry.add("gateway.resilience.retry.max-delay", () -> "2ms");
	}

	@AfterAll
	static void stopUpstream() {
		upstream.stop();
	}

	@BeforeEach
	void resetUpstream() {
		upstream.reset();
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					truncated JSON  | BAAI/bge-large-en-v1.5               | {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2
					one vector for two inputs | BAAI/bge-large-zh-v1.5 | {"data":[{"index":0,"embedding":[0.1,0.2,0.3]}]}
					vectors of the wrong length | netease-youdao/bce-embedding-base_v1 | {"data":[{"index":0,"embedding":[0.1,0.2,0.3]},{"index":1,"embedding":[0.4,0.5,0.6]}]}
					""")
	void unusableAnswersOpenTheBreakerAndThenNoCallIsMade(String answer, String model, String body) {
		answerWith(model, aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body));

		List<EntityExchangeResult<byte[]>> replies = callRepeatedly(model);

		int threshold = 10;
		assertThat(replies.subList(0, threshold)).allSatisfy((reply) -> {
			assertThat(reply.getStatus().value()).isEqualTo(502);
			assertThat(new String(reply.getResponseBody())).contains("upstream_error");
		});
		assertThat(replies.subList(threshold, REQUESTS)).allSatisfy((reply) -> {
			assertThat(reply.getStatus().value()).isEqualTo(503);
			assertThat(new String(reply.getResponseBody())).contains("circuit breaker");
			assertThat(Integer.parseInt(reply.getResponseHeaders().getFirst("retry-after"))).isBetween(1, 30);
		});
		assertThat(upstream.calls()).as("calls reaching the upstream").hasSize(threshold);
		assertThat(breaker(model).getState()).isEqualTo(CircuitBreaker.State.OPEN);
	}

	@ParameterizedTest
	@CsvSource({ "429, Qwen/Qwen3-Embedding-4B", "400, Qwen/Qwen3-Embedding-0.6B" })
	void rateLimitsAndRefusedInputsNeverOpenIt(int status, String model) {
		answerWith(model, aResponse().withStatus(status)
			.withBody("{\"code\":20015,\"message\":\"Request was rejected. Details:RPM limit reached.\"}"));

		List<EntityExchangeResult<byte[]>> replies = callRepeatedly(model);

		assertThat(replies).allSatisfy((reply) -> assertThat(reply.getStatus().value()).isEqualTo(status));
		assertThat(upstream.calls()).hasSizeGreaterThanOrEqualTo(REQUESTS);
		CircuitBreaker breaker = breaker(model);
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).as("ignored, neither failed nor successful")
			.isZero();
	}

	private void answerWith(String model, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder response) {
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.withRequestBody(matchingJsonPath("$.model", equalTo(model)))
				.willReturn(response));
	}

	private List<EntityExchangeResult<byte[]>> callRepeatedly(String model) {
		GatewayClient client = new GatewayClient(this.port);
		List<EntityExchangeResult<byte[]>> replies = new ArrayList<>();
		for (int i = 0; i < REQUESTS; i++) {
			replies.add(client.embed(FakeSiliconFlow.SEARCH_KEY,
					"{\"model\":\"" + model + "\",\"input\":[\"first " + i + "\",\"second " + i + "\"]}"));
		}
		return replies;
	}

	private CircuitBreaker breaker(String model) {
		return this.resilient.breakers().circuitBreaker("siliconflow:" + model);
	}

}
