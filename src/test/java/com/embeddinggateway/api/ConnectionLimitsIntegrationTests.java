package com.embeddinggateway.api;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.embeddinggateway.FakeSiliconFlow;
import com.embeddinggateway.GatewayClient;
import com.embeddinggateway.api.EmbeddingsApiIntegrationTests.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a caller can hold on a connection is bounded: an answer it stops reading, a
 * connection it leaves idle, headers too many or too large.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConnectionLimitsIntegrationTests {

	static final FakeSiliconFlow upstream = new FakeSiliconFlow();

	static final JsonMapper json = JsonMapper.builder().build();

	/** The test waits this long for anything that should happen within seconds. */
	static final Duration PATIENCE = Duration.ofSeconds(60);

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	@Autowired
	MemoryBudget budget;

	@DynamicPropertySource
	static void gateway(DynamicPropertyRegistry registry) {
		upstream.register(registry);
		registry.add("gateway.api.write-timeout", () -> "4s");
		registry.add("gateway.api.idle-timeout", () -> "2s");
		// Less than one stalled answer holds, so a caller that stops reading would lock
		// everyone else out for as long as its connection stays open.
		registry.add("gateway.resilience.max-in-flight-memory", () -> "4MB");
	}

	@AfterAll
	static void stopUpstream() {
		upstream.stop();
	}

	/**
	 * 256 Qwen3-8B inputs are about 12 MB of answer, written as one buffer; 512 are about
	 * 25 MB, written as a stream of buffers. Either is far more than the 64 kB the
	 * caller's socket takes in and the few MB the gateway's own socket buffers.
	 */
	@ParameterizedTest
	@ValueSource(ints = { 256, 512 })
	void aCallerThatStopsReadingIsCutOffAndWhatItsRequestHeldComesBack(int inputs) throws IOException {
		byte[] body = json.writeValueAsBytes(Map.of("model", "Qwen/Qwen3-Embedding-8B", "input", texts(inputs)));
		try (Socket stalled = RawHttp.connect(this.port, 64 * 1024)) {
			RawHttp.send(stalled,
					"POST /v1/embeddings HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
							+ FakeSiliconFlow.SEARCH_KEY + "\r\nContent-Type: application/json\r\nContent-Length: "
							+ body.length + "\r\n\r\n",
					body);
			await().atMost(PATIENCE).until(() -> this.budget.held() > 4 * 1024 * 1024);

			// The answer is on its way: its memory is held until it has left, or been cut
			// off at least one write timeout from now.
			await().atMost(PATIENCE).until(() -> stalled.getInputStream().available() > 0);
			assertThat(this.budget.held()).isGreaterThan(4 * 1024 * 1024);
			// The answer cannot complete while the caller reads nothing, so the gateway
			// has
			// no reason to close this connection but the write timeout.
			await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).until(() -> RawHttp.closedByPeer(stalled));
			await().atMost(PATIENCE).until(() -> this.budget.held() == 0);
		}
		Reply afterwards = Reply.of(new GatewayClient(this.port).embed(FakeSiliconFlow.SEARCH_KEY,
				json.writeValueAsString(Map.of("model", "BAAI/bge-m3", "input", texts(100)))));
		assertThat(afterwards.status()).as(afterwards.raw()).isEqualTo(200);
		assertThat(afterwards.body().get("data")).hasSize(100);
		assertThat(
				new String(new GatewayClient(this.managementPort).get("/actuator/prometheus", null).getResponseBody(),
						StandardCharsets.UTF_8))
			.contains("gateway_memory_held_bytes 0.0");
	}

	@Test
	void aConnectionThatSendsNothingIsClosedAfterTheIdleTimeout() throws IOException {
		try (Socket idle = RawHttp.connect(this.port, 0)) {
			assertThat(idle.getInputStream().read()).isEqualTo(-1);
		}
	}

	@Test
	void aKeepAliveConnectionIsClosedOnceNoFurtherRequestComes() throws IOException {
		try (Socket keptAlive = RawHttp.connect(this.port, 0)) {
			RawHttp.get(keptAlive, "/livez");

			String received = RawHttp.readUntilClosed(keptAlive);

			assertThat(received).startsWith("HTTP/1.1 200").contains("UP");
		}
	}

	@Test
	void tooManyHeadersAreRefusedWithFourThirtyOneInTheEnvelope() {
		List<String> headers = new ArrayList<>();
		for (int i = 0; i < 150; i++) {
			headers.add("x-extra-" + i);
			headers.add("v");
		}

		Reply reply = Reply.of(new GatewayClient(this.port).embed(FakeSiliconFlow.SEARCH_KEY,
				"{\"model\":\"BAAI/bge-m3\",\"input\":\"x\"}", headers.toArray(String[]::new)));

		EmbeddingsApiIntegrationTests.assertError(reply, 431, "invalid_request_error", "headers_too_large", null);
		assertThat(reply.body().get("error").get("message").stringValue()).contains("gateway.api.max-headers");
		assertThat(reply.headers().getFirst("x-request-id")).isNotBlank();
		assertThat(reply.headers().getFirst("x-should-retry")).isEqualTo("false");
		assertThat(upstream.requests()).isEmpty();
	}

	@Test
	void headersLargerThanTheLimitAreRefusedWithFourThirtyOneInTheEnvelope() {
		Reply reply = Reply.of(new GatewayClient(this.port).embed(FakeSiliconFlow.SEARCH_KEY,
				"{\"model\":\"BAAI/bge-m3\",\"input\":\"x\"}", "x-large", "a".repeat(9000)));

		EmbeddingsApiIntegrationTests.assertError(reply, 431, "invalid_request_error", "headers_too_large", null);
		assertThat(reply.body().get("error").get("message").stringValue()).contains("gateway.api.max-header-size");
		assertThat(reply.headers().getFirst("x-should-retry")).isEqualTo("false");
	}

	@Test
	void aRequestLineLongerThanTheLimitIsRefusedWithFourFourteenInTheEnvelope() {
		Reply reply = Reply
			.of(new GatewayClient(this.port).get("/v1/models?filter=" + "a".repeat(5000), FakeSiliconFlow.SEARCH_KEY));

		EmbeddingsApiIntegrationTests.assertError(reply, 414, "invalid_request_error", "request_line_too_long", null);
		assertThat(reply.body().get("error").get("message").stringValue())
			.contains("gateway.api.max-initial-line-length");
	}

	private static List<String> texts(int count) {
		List<String> texts = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			texts.add("text " + i);
		}
		return texts;
	}

}
