package com.embeddinggateway.resilience;

import java.time.Duration;

import com.embeddinggateway.FakeSiliconFlow;
import com.embeddinggateway.GatewayClient;
import com.embeddinggateway.StalledUpstream;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upstreams that take a call and never finish it: the attempt timeout cuts each attempt,
 * whether nothing arrives or the answer only trickles in, and the breaker opens on them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AttemptTimeoutIntegrationTests {

	static final FakeSiliconFlow upstream = new FakeSiliconFlow();

	static final StalledUpstream hung = StalledUpstream.hung();

	static final StalledUpstream trickling = StalledUpstream.trickling();

	@LocalServerPort
	int port;

	@Autowired
	ResilientUpstream resilient;

	@DynamicPropertySource
	static void gateway(DynamicPropertyRegistry registry) {
		upstream.register(registry);
		registry.add("gateway.upstreams[1].id", () -> "hung");
		registry.add("gateway.upstreams[1].base-url", hung::baseUrl);
		registry.add("gateway.upstreams[2].id", () -> "trickling");
		registry.add("gateway.upstreams[2].base-url", trickling::baseUrl);
		registry.add("gateway.models[0].name", () -> "hung/model");
		registry.add("gateway.models[0].upstream", () -> "hung");
		registry.add("gateway.models[1].name", () -> "trickling/model");
		registry.add("gateway.models[1].upstream", () -> "trickling");
		registry.add("gateway.resilience.attempt-timeout", () -> "1s");
		// Longer than the trickle's pauses: alone, it would never end the call.
		registry.add("gateway.http-client.response-timeout", () -> "5s");
		registry.add("gateway.resilience.retry.max-attempts", () -> "2");
		registry.add("gateway.resilience.retry.base-delay", () -> "1ms");
		registry.add("gateway.resilience.retry.max-delay", () -> "2ms");
		registry.add("gateway.resilience.breaker.sliding-window-size", () -> "4");
		registry.add("gateway.resilience.breaker.minimum-number-of-calls", () -> "4");
		registry.add("gateway.resilience.breaker.wait-in-open-state", () -> "30s");
	}

	@AfterAll
	static void stopUpstreams() {
		upstream.stop();
		hung.stop();
		trickling.stop();
	}

	@Test
	void timedOutAttemptsOpenTheBreakerAndThenNoCallReachesTheHungUpstream() {
		for (int i = 0; i < 2; i++) {
			EntityExchangeResult<byte[]> timedOut = call("hung/model", 504);
			assertThat(new String(timedOut.getResponseBody())).contains("attempt-timeout");
		}
		assertThat(hung.calls()).as("two attempts per request").isEqualTo(4);
		CircuitBreaker breaker = this.resilient.breakers().circuitBreaker("hung:hung/model");
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(4);

		EntityExchangeResult<byte[]> open = call("hung/model", 503);
		assertThat(new String(open.getResponseBody())).contains("service_unavailable");
		assertThat(open.getResponseHeaders().getFirst("retry-after")).isNotNull();
		assertThat(hung.calls()).isEqualTo(4);
	}

	@Test
	void aTricklingAnswerIsCutOffByTheAttemptTimeoutLongBeforeTheDeadline() {
		long start = System.nanoTime();
		EntityExchangeResult<byte[]> timedOut = call("trickling/model", 504);

		assertThat(new String(timedOut.getResponseBody())).contains("attempt-timeout");
		assertThat(trickling.calls()).isEqualTo(2);
		// Two 1 s attempts; the 60 s deadline would answer the same 504 without them.
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
	}

	private EntityExchangeResult<byte[]> call(String model, int status) {
		EntityExchangeResult<byte[]> result = new GatewayClient(this.port).embed(FakeSiliconFlow.SEARCH_KEY,
				"{\"model\":\"" + model + "\",\"input\":\"x\"}");
		assertThat(result.getStatus().value()).isEqualTo(status);
		return result;
	}

}
