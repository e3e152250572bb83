package com.embeddinggateway.fanout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import com.embeddinggateway.FakeSiliconFlow;
import com.embeddinggateway.GatewayClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

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

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FanoutIntegrationTests {

	static final FakeSiliconFlow upstream = new FakeSiliconFlow();

	static final JsonMapper json = JsonMapper.builder().build();

	static final int BGE_M3 = FakeSiliconFlow.nativeDimensions("BAAI/bge-m3");

	/** Long enough for a test's second request to come well within it. */
	static final Duration RECOVERY = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void gateway(DynamicPropertyRegistry registry) {
		upstream.register(registry);
		registry.add("gateway.http-client.max-response-size", () -> "2MB");
		registry.add("gateway.fanout.batch-size-recovery", () -> RECOVERY.toMillis() + "ms");
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
	void splitsSeventyInputsIntoThreeUpstreamCallsAndKeepsTheirOrder() {
		List<String> inputs = texts(70);

		JsonNode reply = embed("BAAI/bge-m3", inputs, 200);

		assertInOrder(reply, inputs, BGE_M3);
		List<JsonNode> calls = upstream.calls();
		assertThat(calls).extracting((call) -> call.get("input").size()).containsExactlyInAnyOrder(32, 32, 6);
		List<String> sent = new ArrayList<>();
		calls.stream()
			.sorted((a, b) -> Integer.compare(indexOf(a), indexOf(b)))
			.forEach((call) -> call.get("input").forEach((input) -> sent.add(input.stringValue())));
		assertThat(sent).isEqualTo(inputs);
		assertThat(reply.get("usage").get("prompt_tokens").intValue()).isEqualTo(70 * 2);
	}

	@Test
	void embedsTheMaximumOf2048InputsInOrder() {
		List<String> inputs = texts(2048);

		JsonNode reply = embed("BAAI/bge-m3", inputs, 200);

		assertInOrder(reply, inputs, BGE_M3);
		assertThat(upstream.calls()).hasSize(64);
	}

	@Test
	void splitsABatchTheUpstreamCallsTooLargeAndRemembersTheLimit() {
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.withRequestBody(matchingJsonPath("$.input[16]"))
				.willReturn(aResponse().withStatus(413)
					.withBody("{\"code\":20042,\"message\":\"input batch size 32 > maximum allowed batch size 16\","
							+ "\"data\":null}")));
		List<String> inputs = texts(40);

		JsonNode reply = embed("BAAI/bge-large-zh-v1.5", inputs, 200);

		assertInOrder(reply, inputs, BGE_M3);
		assertThat(upstream.calls()).extracting((call) -> call.get("input").size())
			.containsExactlyInAnyOrder(32, 8, 16, 16);

		upstream.server().resetRequests();
		embed("BAAI/bge-large-zh-v1.5", inputs, 200);
		assertThat(upstream.calls()).extracting((call) -> call.get("input").size())
			.containsExactlyInAnyOrder(16, 16, 8);
	}

	@Test
	void probesTheConfiguredBatchSizeAgainAfterTheRecoveryTime() throws InterruptedException {
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.withRequestBody(matchingJsonPath("$.input[16]"))
				.willReturn(aResponse().withStatus(413)
					.withBody("{\"code\":20042,\"message\":\"input batch size 32 > maximum allowed batch size 16\","
							+ "\"data\":null}")));
		List<String> inputs = texts(40);
		embed("BAAI/bge-large-en-v1.5", inputs, 200);
		upstream.reset();

		// Sleeping longer than asked only makes the learned size older: no timing can
		// fail
		// this.
		Thread.sleep(RECOVERY.plusMillis(500).toMillis());
		JsonNode reply = embed("BAAI/bge-large-en-v1.5", inputs, 200);

		assertInOrder(reply, inputs, FakeSiliconFlow.nativeDimensions("BAAI/bge-large-en-v1.5"));
		assertThat(upstream.calls()).extracting((call) -> call.get("input").size()).containsExactlyInAnyOrder(32, 8);
	}

	@Test
	void halvesATooLargeBatchWhenTheUpstreamNamesNoLimit() {
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.withRequestBody(matchingJsonPath("$.input[10]"))
				.willReturn(aResponse().withStatus(413).withBody("\"Request Entity Too Large\"")));
		List<String> inputs = texts(20);

		JsonNode reply = embed("netease-youdao/bce-embedding-base_v1", inputs, 200);

		assertInOrder(reply, inputs, FakeSiliconFlow.nativeDimensions("netease-youdao/bce-embedding-base_v1"));
		assertThat(upstream.calls()).extracting((call) -> call.get("input").size())
			.containsExactlyInAnyOrder(20, 10, 10);

		upstream.server().resetRequests();
		embed("netease-youdao/bce-embedding-base_v1", inputs, 200);
		assertThat(upstream.calls()).as("a 413 that names no size teaches nothing")
			.extracting((call) -> call.get("input").size())
			.containsExactlyInAnyOrder(20, 10, 10);
	}

	@Test
	void aShortUpstreamAnswerIsA502NotFewerVectors() {
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.withRequestBody(matchingJsonPath("$.input[?(@ == 'text-40 body')]"))
				.willReturn(aResponse().withStatus(200)
					.withBody(FakeSiliconFlow.answer("BAAI/bge-m3", texts(31), BGE_M3))));

		JsonNode reply = embed("BAAI/bge-m3", texts(70), 502);

		assertThat(reply.get("error").get("code").stringValue()).isEqualTo("upstream_error");
		assertThat(reply.has("data")).isFalse();
	}

	@Test
	void oneFailedPartFailsTheWholeRequest() {
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.withRequestBody(matchingJsonPath("$.input[?(@ == 'text-65 body')]"))
				.willReturn(aResponse().withStatus(503).withBody("{\"code\":50505,\"message\":\"overloaded\"}")));

		JsonNode reply = embed("BAAI/bge-m3", texts(70), 503);

		assertThat(reply.get("error").get("type").stringValue()).isEqualTo("service_unavailable");
	}

	@Test
	void carriesThirtyTwoVectorsOf4096FloatsThroughTheBuffers() {
		List<String> inputs = texts(32);

		JsonNode reply = embed("Qwen/Qwen3-Embedding-8B", inputs, 200);

		assertInOrder(reply, inputs, 4096);
		assertThat(upstream.calls()).hasSize(1);
	}

	@Test
	void readsAnUpstreamAnswerThatArrivesInManySmallPieces() {
		List<String> inputs = texts(8);
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.willReturn(aResponse().withStatus(200)
					.withBody(FakeSiliconFlow.answer("BAAI/bge-m3", inputs, BGE_M3))
					.withChunkedDribbleDelay(97, 300)));

		JsonNode floats = embed("BAAI/bge-m3", inputs, 200);
		JsonNode base64 = embed("BAAI/bge-m3", inputs, 200, ",\"encoding_format\":\"base64\"");

		assertInOrder(floats, inputs, BGE_M3);
		assertThat(base64.get("data")).hasSize(8);
		assertThat(base64.get("data").get(7).get("embedding").stringValue()).isNotEmpty();
	}

	@Test
	void refusesAnUpstreamAnswerLargerThanTheLimit() {
		List<String> inputs = texts(4);
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.willReturn(aResponse().withStatus(200).withBody(padded(inputs, 2 * 1024 * 1024 + 1))));

		JsonNode reply = embed("BAAI/bge-m3", inputs, 502);

		assertThat(reply.get("error").get("code").stringValue()).isEqualTo("upstream_error");
		assertThat(reply.get("error").get("message").stringValue()).contains("max-response-size");
	}

	@Test
	void refusesAnAnswerWithoutALengthOnceItPassesTheLimit() {
		List<String> inputs = texts(4);
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.willReturn(aResponse().withStatus(200)
					.withBody(padded(inputs, 2 * 1024 * 1024 + 1))
					.withChunkedDribbleDelay(40, 200)));

		JsonNode reply = embed("BAAI/bge-m3", inputs, 502);

		assertThat(reply.get("error").get("message").stringValue()).contains("max-response-size");
	}

	@Test
	void acceptsAnAnswerJustUnderTheLimit() {
		List<String> inputs = texts(4);
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.willReturn(aResponse().withStatus(200).withBody(padded(inputs, 2 * 1024 * 1024))));

		assertInOrder(embed("BAAI/bge-m3", inputs, 200), inputs, BGE_M3);
	}

	@Test
	void concurrentRequestsEachGetTheirOwnVectors() {
		List<List<String>> requests = IntStream.range(0, 48)
			.mapToObj((r) -> IntStream.range(0, 1 + r % 40).mapToObj((i) -> "request-" + r + " text " + i).toList())
			.toList();

		List<JsonNode> replies = Flux.fromIterable(requests)
			.flatMapSequential((inputs) -> Mono.fromCallable(() -> embed("BAAI/bge-m3", inputs, 200))
				.subscribeOn(Schedulers.boundedElastic()), 16)
			.collectList()
			.block(Duration.ofMinutes(2));

		assertThat(replies).hasSize(requests.size());
		for (int r = 0; r < requests.size(); r++) {
			assertInOrder(replies.get(r), requests.get(r), BGE_M3);
		}
	}

	@Test
	void forwardsDimensionsOnEveryPart() {
		List<String> inputs = texts(40);

		JsonNode reply = embed("Qwen/Qwen3-Embedding-0.6B", inputs, 200, ",\"dimensions\":128");

		assertInOrder(reply, inputs, 128);
		assertThat(upstream.calls()).hasSize(2)
			.allSatisfy((call) -> assertThat(call.get("dimensions").intValue()).isEqualTo(128));
	}

	private static void assertInOrder(JsonNode reply, List<String> inputs, int dimensions) {
		JsonNode data = reply.get("data");
		assertThat(data).hasSize(inputs.size());
		for (int i = 0; i < inputs.size(); i++) {
			assertThat(data.get(i).get("index").intValue()).isEqualTo(i);
			JsonNode vector = data.get(i).get("embedding");
			float[] actual = new float[vector.size()];
			for (int d = 0; d < actual.length; d++) {
				actual[d] = vector.get(d).floatValue();
			}
			assertThat(actual).as("vector %d", i).containsExactly(FakeSiliconFlow.vector(inputs.get(i), dimensions));
		}
	}

	/**
	 * A valid answer for {@code inputs}, padded with trailing spaces to {@code size}
	 * bytes.
	 */
	private static String padded(List<String> inputs, int size) {
		String answer = FakeSiliconFlow.answer("BAAI/bge-m3", inputs, BGE_M3);
		return answer + " ".repeat(size - answer.length());
	}

	private static int indexOf(JsonNode call) {
		return Integer.parseInt(call.get("input").get(0).stringValue().split("[- ]")[1]);
	}

	private static List<String> texts(int count) {
		return IntStream.range(0, count).mapToObj((i) -> "text-" + i + " body").toList();
	}

	private JsonNode embed(String model, List<String> inputs, int status) {
		return embed(model, inputs, status, "");
	}

	private JsonNode embed(String model, List<String> inputs, int status, String extra) {
		String body = "{\"model\":\"" + model + "\",\"input\":" + json.writeValueAsString(inputs) + extra + "}";
		EntityExchangeResult<byte[]> result = new GatewayClient(this.port).embed(FakeSiliconFlow.SEARCH_KEY, body);
		assertThat(result.getStatus().value()).isEqualTo(status);
		return json.readTree(result.getResponseBody());
	}

}
