package com.embeddinggateway.resilience;

import com.embeddinggateway.FakeSiliconFlow;
import com.embeddinggateway.GatewayClient;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
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
 * What stops a failing upstream from being hammered: the circuit breaker and the retry
 * budget, each on its own model so their counts do not mix.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FailureContainmentIntegrationTests {

	static final FakeSiliconFlow upstream = new FakeSiliconFlow();

	@LocalServerPort
	int port;

	@Autowired
	ResilientUpstream resilient;

	@DynamicPropertySource
	static void gateway(DynamicPropertyRegistry registry) {
		upstream.register(registry);
		// The retry budget is per upstream: its test gets an upstream of its own.
		registry.add("gateway.upstreams[1].id", () -> "budgeted");
		registry.add("gateway.upstreams[1].base-url", () -> upstream.server().baseUrl() + "/v1");
		registry.add("gateway.models[0].name", () -> "budgeted/model");
		registry.add("gateway.models[0].upstream", () -> "budgeted");
		registry.add("gateway.resilience.retry.max-attempts", () -> "3");
		registry.add("gateway.resilience.retry.base-delay", () -> "1ms");
		registry.add("gateway.resilience.retry.max-delay", () -> "2ms");
		registry.add("gateway.resilience.retry.budget-ratio", () -> "0.2");
		registry.add("gateway.resilience.retry.budget-min-retries", () -> "0");
		registry.add("gateway.resilience.retry.budget-window", () -> "10m");
		registry.add("gateway.resilience.breaker.sliding-window-size", () -> "4");
		registry.add("gateway.resilience.breaker.minimum-number-of-calls", () -> "4");
		registry.add("gateway.resilience.breaker.failure-rate-threshold", () -> "50");
		registry.add("gateway.resilience.breaker.wait-in-open-state", () -> "1s");
		registry.add("gateway.resilience.breaker.permitted-calls-in-half-open-state", () -> "1");
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
	void breakerOpensFailsFastWithoutUpstreamCallsAndRecoversThroughHalfOpen() throws InterruptedException {
		String model = "Qwen/Qwen3-Embedding-8B";
		failModel(model, 503);
		for (int i = 0; i < 4; i++) {
			call(model, 503);
		}
		int callsWhileClosed = upstream.calls().size();
		CircuitBreaker breaker = this.resilient.breakers().circuitBreaker("siliconflow:" + model);
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);

		EntityExchangeResult<byte[]> fast = call(model, 503);
		assertThat(fast.getResponseHeaders().getFirst("retry-after")).isEqualTo("1");
		assertThat(new String(fast.getResponseBody())).contains("circuit breaker");
		assertThat(upstream.calls()).hasSize(callsWhileClosed);

		upstream.reset();
		Thread.sleep(1100);
		call(model, 200);
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(upstream.calls()).hasSize(1);
	}

	@Test
	void retryBudgetCapsExtraCallsUnderAFailureBurst() {
		String model = "budgeted/model";
		failModel(model, 429);
		int requests = 50;
		for (int i = 0; i < requests; i++) {
			call(model, 429);
		}

		// Without the budget, 3 attempts each would be 150 calls; the budget allows 20%
		// more than 50.
		assertThat(upstream.calls()).hasSizeBetween(requests, requests + requests / 5);
	}

	private void failModel(String model, int status) {
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.withRequestBody(
						matchingJsonPath("$.model", com.github.tomakehurst.wiremock.client.WireMock.equalTo(model)))
				.willReturn(aResponse().withStatus(status).withBody("{\"code\":50505,\"message\":\"overloaded\"}")));
	}

	private EntityExchangeResult<byte[]> call(String model, int status) {
		EntityExchangeResult<byte[]> result = new GatewayClient(this.port).embed(FakeSiliconFlow.SEARCH_KEY,
				"{\"model\":\"" + model + "\",\"input\":\"x\"}");
		assertThat(result.getStatus().value()).isEqualTo(status);
		return result;
	}

}
