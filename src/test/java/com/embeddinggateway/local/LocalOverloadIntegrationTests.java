package com.embeddinggateway.local;

import java.time.Duration;
import java.util.List;

import com.embeddinggateway.FakeSiliconFlow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One worker and one queue slot, sixteen requests at once: the excess is refused with a
 * 503 and {@code retry-after} instead of piling up, and the gateway serves again after. A
 * full queue is retried and counted by the breaker like an upstream's 503; both are
 * switched off here, so that what the queue refuses reaches the caller.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "gateway.local.enabled=true", "gateway.local.workers=1", "gateway.local.queue-capacity=1",
				"gateway.resilience.retry.max-attempts=1", "gateway.resilience.breaker.sliding-window-size=100",
				"gateway.resilience.breaker.minimum-number-of-calls=100" })
class LocalOverloadIntegrationTests {

	static final FakeSiliconFlow upstream = new FakeSiliconFlow();

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

	@Test
	void refusesTheExcessWith503AndRetryAfterThenRecovers() {
		String longText = "the quick brown fox jumps over the lazy dog ".repeat(40);
		String body = "{\"model\":\"BAAI/bge-small-en-v1.5\",\"input\":[\"" + longText + "\",\"" + longText + "\"]}";

		List<Reply> replies = Flux.range(0, 16).flatMap((i) -> send(body), 16).collectList().block();

		assertThat(replies).extracting(Reply::status).containsOnly(200, 503).contains(200, 503);
		assertThat(replies).filteredOn((reply) -> reply.status() == 503)
			.allSatisfy((reply) -> assertThat(reply.retryAfter()).isEqualTo("1"));
		assertThat(send("{\"model\":\"BAAI/bge-small-en-v1.5\",\"input\":\"after the storm\"}").block().status())
			.isEqualTo(200);
	}

	private Mono<Reply> send(String body) {
		return WebClient.create("http://localhost:" + this.port)
			.post()
			.uri("/v1/embeddings")
			.header("Authorization", "Bearer " + FakeSiliconFlow.SEARCH_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchangeToMono((response) -> response.releaseBody()
				.thenReturn(new Reply(response.statusCode().value(),
						String.valueOf(response.headers().asHttpHeaders().getFirst("retry-after")))))
			.timeout(Duration.ofSeconds(60));
	}

	record Reply(int status, String retryAfter) {
	}

}
