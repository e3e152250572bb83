package com.embeddinggateway.shedding;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.embeddinggateway.FakeSiliconFlow;
import com.embeddinggateway.GatewayClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With the limit full, further embeddings requests get 503 with {@code retry-after} at
 * once and make no upstream call, while the ones admitted are answered; requests that
 * only wait on a slow upstream never bring the limit down.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LoadSheddingIntegrationTests {

	static final int LIMIT = 6;

	static final FakeSiliconFlow upstream = new FakeSiliconFlow();

	static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	@DynamicPropertySource
	static void gateway(DynamicPropertyRegistry registry) {
		upstream.register(registry);
		registry.add("gateway.shedding.enabled", () -> "true");
		registry.add("gateway.shedding.min-limit", () -> "1");
		registry.add("gateway.shedding.max-limit", () -> Integer.toString(LIMIT));
		registry.add("gateway.shedding.initial-limit", () -> Integer.toString(LIMIT));
		// Far above what a busy test machine's event loops fall behind by: only the
		// requests in flight, never the machine's speed, decide who is refused here.
		registry.add("gateway.shedding.max-loop-delay", () -> "1s");
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
	void aBurstBeyondTheLimitIsRefusedAtOnceWhileTheAdmittedRequestsAreAnswered() {
		holdUpstreamAnswers(Duration.ofSeconds(3));
		List<CompletableFuture<EntityExchangeResult<byte[]>>> admitted = new ArrayList<>();
		for (int i = 0; i < LIMIT; i++) {
			String body = body("admitted " + i);
			admitted.add(CompletableFuture.supplyAsync(() -> client().embed(FakeSiliconFlow.SEARCH_KEY, body)));
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> upstream.requests().size() == LIMIT);

		List<EntityExchangeResult<byte[]>> refused = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			refused.add(client().embed(FakeSiliconFlow.SEARCH_KEY, body("refused " + i)));
		}
		EntityExchangeResult<byte[]> models = client().get("/v1/models", FakeSiliconFlow.SEARCH_KEY);

		assertThat(admitted).as("the refusals came while the admitted requests waited on the upstream")
			.noneMatch(CompletableFuture::isDone);
		for (EntityExchangeResult<byte[]> reply : refused) {
			assertThat(reply.getStatus().value()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE.value());
			assertThat(reply.getResponseHeaders().getFirst("retry-after")).isEqualTo("1");
			JsonNode error = json.readTree(reply.getResponseBody()).get("error");
			assertThat(error.get("type").stringValue()).isEqualTo("service_unavailable");
			assertThat(error.get("code").stringValue()).isEqualTo("service_unavailable");
		}
		assertThat(models.getStatus().value()).as("only embeddings requests are limited").isEqualTo(200);
		for (CompletableFuture<EntityExchangeResult<byte[]>> reply : admitted) {
			assertThat(reply.join().getStatus().value()).isEqualTo(200);
		}
		assertThat(upstream.requests()).as("a refused request makes no upstream call").hasSize(LIMIT);
		assertThat(prometheus()).contains("gateway_requests_shed_total 4.0")
			.contains("gateway_shedding_limit " + LIMIT + ".0");

		assertThat(client().embed(FakeSiliconFlow.SEARCH_KEY, body("after the burst")).getStatus().value())
			.as("the places come back once the answers are written")
			.isEqualTo(200);
	}

	@Test
	void requestsWaitingOnASlowUpstreamNeverBringTheLimitDown() {
		holdUpstreamAnswers(Duration.ofSeconds(2));
		for (int round = 0; round < 2; round++) {
			List<CompletableFuture<EntityExchangeResult<byte[]>>> waiting = new ArrayList<>();
			for (int i = 0; i < LIMIT; i++) {
				String body = body("round " + round + " waiting " + i);
				waiting.add(CompletableFuture.supplyAsync(() -> client().embed(FakeSiliconFlow.SEARCH_KEY, body)));
			}
			for (CompletableFuture<EntityExchangeResult<byte[]>> reply : waiting) {
				assertThat(reply.join().getStatus().value()).isEqualTo(200);
			}
		}

		assertThat(prometheus()).contains("gateway_shedding_limit " + LIMIT + ".0");
	}

	private static void holdUpstreamAnswers(Duration delay) {
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.willReturn(aResponse().withTransformers("fake-embeddings").withFixedDelay((int) delay.toMillis())));
	}

	private static String body(String input) {
		return "{\"model\":\"BAAI/bge-m3\",\"input\":\"" + input + "\"}";
	}

	private GatewayClient client() {
		return new GatewayClient(this.port);
	}

	private String prometheus() {
		return new String(new GatewayClient(this.managementPort).get("/actuator/prometheus", null).getResponseBody(),
				StandardCharsets.UTF_8);
	}

}
