package com.embeddinggateway.resilience;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

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
 * Callers whose own timeout is shorter than the attempt timeout: their deadlines cancel
 * every call to a hung upstream, and those calls, having run past the slow-call
 * threshold, open the breaker as slow calls.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SlowCallIntegrationTests {

	static final FakeSiliconFlow upstream = new FakeSiliconFlow();

	static final StalledUpstream hung = StalledUpstream.hung();

	@LocalServerPort
	int port;

	@Autowired
	ResilientUpstream resilient;

	@DynamicPropertySource
	static void gateway(DynamicPropertyRegistry registry) {
		upstream.register(registry);
		registry.add("gateway.upstreams[1].id", () -> "hung");
		registry.add("gateway.upstreams[1].base-url", hung::baseUrl);
		registry.add("gateway.models[0].name", () -> "hung/model");
		registry.add("gateway.models[0].upstream", () -> "hung");
		// Never reached: the callers' 3 s timeout cancels every attempt first, well after
		// the slow-call threshold.
		registry.add("gateway.resilience.attempt-timeout", () -> "50s");
		registry.add("gateway.resilience.breaker.slow-call-duration-threshold", () -> "500ms");
		registry.add("gateway.resilience.breaker.sliding-window-size", () -> "4");
		registry.add("gateway.resilience.breaker.minimum-number-of-calls", () -> "4");
		registry.add("gateway.resilience.breaker.wait-in-open-state", () -> "30s");
	}

	@AfterAll
	static void stopUpstreams() {
		upstream.stop();
		hung.stop();
	}

	@Test
	void callsCancelledByCallersDeadlinesOpenTheBreakerAsSlowCalls() {
		ExecutorService threads = Executors.newFixedThreadPool(15);
		List<CompletableFuture<EntityExchangeResult<byte[]>>> callers = IntStream.range(0, 15)
			.mapToObj((i) -> CompletableFuture.supplyAsync(() -> call("3"), threads))
			.toList();
		for (CompletableFuture<EntityExchangeResult<byte[]>> caller : callers) {
			assertThat(caller.join().getStatus().value()).isEqualTo(504);
		}
		threads.shutdown();
		CircuitBreaker breaker = this.resilient.breakers().circuitBreaker("hung:hung/model");
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(breaker.getMetrics().getNumberOfSlowCalls()).isPositive();
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
		int calls = hung.calls();

		EntityExchangeResult<byte[]> open = call("3");
		assertThat(open.getStatus().value()).isEqualTo(503);
		assertThat(open.getResponseHeaders().getFirst("retry-after")).isNotNull();
		assertThat(hung.calls()).isEqualTo(calls);
	}

	private EntityExchangeResult<byte[]> call(String timeoutSeconds) {
		return new GatewayClient(this.port).embed(FakeSiliconFlow.SEARCH_KEY,
				"{\"model\":\"hung/model\",\"input\":\"x\"}", "x-stainless-timeout", timeoutSeconds);
	}

}
