package com.embeddinggateway.api;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import com.embeddinggateway.FakeSiliconFlow;
import com.embeddinggateway.GatewayClient;
import com.embeddinggateway.api.EmbeddingsApiIntegrationTests.Reply;
import com.sun.management.ThreadMXBean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A burst of large requests is refused with 503 while the budget is held, instead of
 * running the gateway out of memory; a request larger than the whole budget still runs on
 * its own; what each request held comes back however it ended; and a body of millions of
 * ignored JSON values is answered without building them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MemoryBudgetIntegrationTests {

	static final FakeSiliconFlow upstream = new FakeSiliconFlow();

	static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	@Autowired
	MemoryBudget budget;

	@DynamicPropertySource
	static void gateway(DynamicPropertyRegistry registry) {
		upstream.register(registry);
		// 100 bge-m3 inputs hold about 100 x 1024 x 12 = 1.2 MB of answers: one such
		// request fits, two do not, and neither does one beside a 300 kB body, which is
		// held three times over.
		registry.add("gateway.resilience.max-in-flight-memory", () -> "2MB");
		registry.add("gateway.resilience.retry.max-attempts", () -> "1");
		registry.add("gateway.resilience.breaker.sliding-window-size", () -> "1000");
		registry.add("gateway.resilience.breaker.minimum-number-of-calls", () -> "1000");
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
	void aRequestLargerThanTheWholeBudgetRunsOnItsOwn() {
		Reply reply = call(inputs(200, "text"));

		assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
		assertThat(reply.body().get("data")).hasSize(200);
		awaitEverythingGivenBack();
	}

	@Test
	void whileTheBudgetIsHeldLargeRequestsAreRefusedAndSmallOnesServed() {
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.willReturn(aResponse().withTransformers("fake-embeddings").withFixedDelay(3000)));
		// Its upstream calls take 3 s: time enough for the next three requests to arrive
		// while it holds its share, even on a slow machine.
		CompletableFuture<Reply> holding = CompletableFuture.supplyAsync(() -> call(inputs(100, "held")));
		await().atMost(Duration.ofSeconds(30)).until(() -> !upstream.requests().isEmpty());

		Reply manyInputs = call(inputs(100, "refused"));
		Reply largeBody = call(inputs(1, "x".repeat(300_000)));
		Reply small = call(inputs(2, "small"));

		EmbeddingsApiIntegrationTests.assertError(manyInputs, 503, "service_unavailable", "service_unavailable", null);
		assertThat(manyInputs.headers().getFirst("retry-after")).isEqualTo("1");
		assertThat(manyInputs.body().get("error").get("message").stringValue())
			.contains("the answers to this request's 100 inputs")
			.contains("gateway.resilience.max-in-flight-memory");
		EmbeddingsApiIntegrationTests.assertError(largeBody, 503, "service_unavailable", "service_unavailable", null);
		assertThat(largeBody.body().get("error").get("message").stringValue()).contains("this request's body");
		assertThat(small.status()).as(small.raw()).isEqualTo(200);
		assertThat(holding.join().status()).isEqualTo(200);
		awaitEverythingGivenBack();

		upstream.reset();
		assertThat(call(inputs(100, "refused")).status()).isEqualTo(200);
		assertThat(
				new String(new GatewayClient(this.managementPort).get("/actuator/prometheus", null).getResponseBody(),
						StandardCharsets.UTF_8))
			.contains("gateway_memory_held_bytes 0.0")
			.contains("gateway_memory_limit_bytes 2097152.0");
	}

	@Test
	void aBodyAnnouncedButNotSentHoldsNothing() throws IOException {
		try (Socket stalled = new Socket(InetAddress.getLoopbackAddress(), this.port)) {
			stalled.getOutputStream()
				.write(("POST /v1/embeddings HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
						+ FakeSiliconFlow.SEARCH_KEY + "\r\nContent-Type: application/json\r\n"
						+ "Content-Length: 10000000\r\n\r\n{\"model\":")
					.getBytes(StandardCharsets.US_ASCII));
			stalled.getOutputStream().flush();

			Reply reply = call(inputs(100, "while another stalls"));

			assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
		}
		awaitEverythingGivenBack();
	}

	@Test
	void whatAFailedRequestHeldComesBack() {
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.willReturn(aResponse().withStatus(500).withBody("{\"code\":50000,\"message\":\"boom\"}")));

		Reply failed = call(inputs(100, "failing"));

		assertThat(failed.status()).as(failed.raw()).isEqualTo(503);
		awaitEverythingGivenBack();
	}

	@Test
	void answersBodiesOfMillionsOfIgnoredValuesAndRefusesDeepNesting() {
		List<String> bombs = Stream.of("{}", "[[[[[[[[[[]]]]]]]]]]", "{\"a\":{\"a\":{\"a\":{\"a\":{}}}}}")
			.map((value) -> new String(EmbeddingsRequestTests.bomb(value, 15 * 1024 * 1024), StandardCharsets.US_ASCII))
			.toList();

		List<CompletableFuture<Reply>> together = bombs.stream()
			.map((body) -> CompletableFuture.supplyAsync(() -> call(body)))
			.toList();
		for (CompletableFuture<Reply> reply : together) {
			// A 15 MB body holds more than this whole budget: while one is held, the
			// others are refused.
			assertThat(reply.join().status()).as(reply.join().raw()).isIn(200, 503);
		}
		awaitEverythingGivenBack();
		for (String body : bombs) {
			long before = allocatedByAllThreads();
			Reply reply = call(body);
			long allocated = allocatedByAllThreads() - before;

			assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
			assertThat(reply.body().get("data")).hasSize(1);
			// Sending and reading 15 MB takes a few copies of it; a tree of its values
			// took about 500 MB.
			assertThat(allocated).as(body.substring(0, 80)).isLessThan(200L * 1024 * 1024);
		}
		int depth = 100_000;
		Reply deep = call("{\"model\":\"BAAI/bge-m3\",\"input\":\"x\",\"user\":" + "{\"a\":".repeat(depth) + "1"
				+ "}".repeat(depth) + "}");
		EmbeddingsApiIntegrationTests.assertError(deep, 400, "invalid_request_error", null, null);
		awaitEverythingGivenBack();
	}

	private static long allocatedByAllThreads() {
		ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
		return LongStream.of(threads.getThreadAllocatedBytes(threads.getAllThreadIds()))
			.filter((bytes) -> bytes > 0)
			.sum();
	}

	private void awaitEverythingGivenBack() {
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(this.budget.held()).isZero());
	}

	private static String inputs(int count, String text) {
		List<String> inputs = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			inputs.add(text + " " + i);
		}
		return json.writeValueAsString(Map.of("model", "BAAI/bge-m3", "input", inputs));
	}

	private Reply call(String body) {
		return Reply.of(new GatewayClient(this.port).embed(FakeSiliconFlow.SEARCH_KEY, body));
	}

}
