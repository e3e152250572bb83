package com.embeddinggateway.cache;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;

import com.embeddinggateway.FakeSiliconFlow;
import com.embeddinggateway.Fixtures;
import com.embeddinggateway.GatewayClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cache against a fake upstream whose vectors are a function of each text, so every
 * index of every answer can be checked against the text it belongs to.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CacheIntegrationTests {

	static final FakeSiliconFlow upstream = new FakeSiliconFlow();

	static final JsonMapper json = JsonMapper.builder().build();

	static final int BGE_M3 = FakeSiliconFlow.nativeDimensions("BAAI/bge-m3");

	/** Key of a tenant whose requests bypass the cache. */
	static final String OPS_KEY = "eg-ops-team-key-55aa";

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	@DynamicPropertySource
	static void gateway(DynamicPropertyRegistry registry) {
		upstream.register(registry);
		registry.add("gateway.cache.enabled", () -> "true");
		registry.add("gateway.cache.excluded-models[0]", () -> "BAAI/bge-large-zh-v1.5");
		registry.add("gateway.tenants[2].id", () -> "ops-team");
		registry.add("gateway.tenants[2].api-key-sha256[0]", () -> Fixtures.sha256(OPS_KEY));
		registry.add("gateway.cache.excluded-tenants[0]", () -> "ops-team");
		registry.add("gateway.resilience.retry.base-delay", () -> "1ms");
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
	void sendsOnlyTheMissesUpstreamAndKeepsEveryIndex() {
		List<String> first = texts("partial", 0, 5);
		embed("BAAI/bge-m3", first, 200);
		upstream.server().resetRequests();
		List<String> second = List.of(first.get(3), text("partial", 10), first.get(0), text("partial", 11),
				first.get(4));

		EntityExchangeResult<byte[]> result = send("BAAI/bge-m3", second, "float");

		JsonNode reply = json.readTree(result.getResponseBody());
		assertVectors(reply, second, BGE_M3);
		assertThat(upstream.calls()).hasSize(1);
		assertThat(upstream.inputsSent()).containsExactly(text("partial", 10), text("partial", 11));
		assertThat(result.getResponseHeaders().getFirst("x-cache-hits")).isEqualTo("3");
		assertThat(reply.get("usage").get("prompt_tokens").intValue()).isEqualTo(tokens(second));
	}

	@Test
	void sendsATextRepeatedInOneRequestUpstreamOnce() {
		String a = text("dup", 1);
		String b = text("dup", 2);
		String c = text("dup", 3);
		List<String> inputs = List.of(a, b, a, a, c, b);

		JsonNode reply = embed("BAAI/bge-m3", inputs, 200);

		assertVectors(reply, inputs, BGE_M3);
		assertThat(upstream.calls()).hasSize(1);
		assertThat(upstream.inputsSent()).containsExactly(a, b, c);
		assertThat(reply.get("usage").get("prompt_tokens").intValue()).isEqualTo(tokens(inputs));
	}

	@Test
	void concurrentRequestsMissingOnTheSameTextsShareOneUpstreamCallAcrossFanOutParts() {
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.willReturn(aResponse().withTransformers("fake-embeddings").withFixedDelay(2000)));
		// 40 texts: two upstream calls of 32 and 8 for the first request to arrive.
		List<String> shared = texts("flight", 0, 40);
		List<List<String>> requests = new ArrayList<>();
		for (int r = 0; r < 8; r++) {
			List<String> inputs = new ArrayList<>(shared);
			inputs.add(text("flight-own-" + r, 0));
			java.util.Collections.rotate(inputs, r * 5);
			requests.add(inputs);
		}

		List<Answered> replies = Flux.fromIterable(requests)
			.flatMap((inputs) -> Mono.fromCallable(() -> new Answered(inputs, embed("BAAI/bge-m3", inputs, 200)))
				.subscribeOn(Schedulers.boundedElastic()), 8)
			.collectList()
			.block();

		assertThat(replies).hasSize(8);
		replies.forEach((answered) -> assertVectors(answered.reply(), answered.inputs(), BGE_M3));
		List<String> sent = upstream.inputsSent();
		// Each text went upstream once, the shared ones and every request's own.
		assertThat(sent).hasSize(40 + 8).doesNotHaveDuplicates();
	}

	@Test
	void neverCachesAnErrorOrAShortAnswer() {
		List<String> inputs = texts("never", 0, 2);
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.willReturn(aResponse().withStatus(400)
					.withBody("{\"code\":20015,\"message\":\"bad input\",\"data\":null}")));
		embed("BAAI/bge-m3", inputs, 400);
		upstream.reset();
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.willReturn(aResponse().withStatus(200)
					.withBody(FakeSiliconFlow.answer("BAAI/bge-m3", inputs.subList(0, 1), BGE_M3))));
		embed("BAAI/bge-m3", inputs, 502);
		upstream.reset();

		JsonNode reply = embed("BAAI/bge-m3", inputs, 200);

		assertVectors(reply, inputs, BGE_M3);
		assertThat(upstream.inputsSent()).containsExactlyElementsOf(inputs);
	}

	@Test
	void answersFromTheCacheAreByteForByteTheFreshAnswersInFloatAndBase64() {
		// An upstream that writes each float widened to a double, with 17 digits.
		List<String> inputs = texts("exact", 0, 3);
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.willReturn(aResponse().withStatus(200).withBody(doubleDigitsAnswer(inputs))));

		byte[] freshFloat = send("BAAI/bge-m3", inputs, "float").getResponseBody();
		byte[] freshBase64 = send("BAAI/bge-m3", inputs, "base64", "Cache-Control", "no-cache").getResponseBody();
		upstream.server().resetRequests();
		EntityExchangeResult<byte[]> cachedFloat = send("BAAI/bge-m3", inputs, "float");
		EntityExchangeResult<byte[]> cachedBase64 = send("BAAI/bge-m3", inputs, "base64");

		assertThat(upstream.calls()).isEmpty();
		assertThat(cachedFloat.getResponseHeaders().getFirst("x-cache-hits")).isEqualTo("3");
		assertThat(new String(cachedFloat.getResponseBody())).isEqualTo(new String(freshFloat));
		assertThat(new String(cachedBase64.getResponseBody())).isEqualTo(new String(freshBase64));
		JsonNode floats = json.readTree(freshFloat);
		JsonNode base64 = json.readTree(freshBase64);
		for (int i = 0; i < inputs.size(); i++) {
			float[] expected = FakeSiliconFlow.vector(inputs.get(i), BGE_M3);
			float[] decoded = new float[BGE_M3];
			ByteBuffer.wrap(Base64.getDecoder().decode(base64.get("data").get(i).get("embedding").stringValue()))
				.order(ByteOrder.LITTLE_ENDIAN)
				.asFloatBuffer()
				.get(decoded);
			assertThat(decoded).containsExactly(expected);
			for (int d = 0; d < BGE_M3; d++) {
				assertThat(floats.get("data").get(i).get("embedding").get(d).floatValue()).isEqualTo(expected[d]);
			}
		}
	}

	@Test
	void noCacheComputesTheVectorsAgainAndRefreshesTheEntries() {
		List<String> inputs = texts("refresh", 0, 2);
		embed("BAAI/bge-m3", inputs, 200);
		List<String> others = texts("refresh-other", 0, 2);
		// The upstream now answers other vectors for the same texts.
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.willReturn(
						aResponse().withStatus(200).withBody(FakeSiliconFlow.answer("BAAI/bge-m3", others, BGE_M3))));
		upstream.server().resetRequests();

		JsonNode fresh = json
			.readTree(send("BAAI/bge-m3", inputs, "float", "Cache-Control", "no-cache").getResponseBody());
		JsonNode cached = embed("BAAI/bge-m3", inputs, 200);

		assertVectors(fresh, others, BGE_M3);
		assertVectors(cached, others, BGE_M3);
		assertThat(upstream.inputsSent()).containsExactlyElementsOf(inputs);
	}

	@Test
	void neverCachesAModelExcludedByConfiguration() {
		List<String> inputs = texts("excluded", 0, 2);
		embed("BAAI/bge-large-zh-v1.5", inputs, 200);

		EntityExchangeResult<byte[]> again = send("BAAI/bge-large-zh-v1.5", inputs, "float");

		assertThat(again.getResponseHeaders().getFirst("x-cache-hits")).isNull();
		assertThat(upstream.inputsSent()).containsExactly(inputs.get(0), inputs.get(1), inputs.get(0), inputs.get(1));
	}

	@Test
	void sharesEntriesBetweenTenantsButNotWithAnExcludedTenant() {
		List<String> inputs = texts("tenants", 0, 2);
		embed("BAAI/bge-m3", inputs, 200);

		EntityExchangeResult<byte[]> chat = send(FakeSiliconFlow.CHAT_KEY, "BAAI/bge-m3", inputs, "float");
		EntityExchangeResult<byte[]> ops = send(OPS_KEY, "BAAI/bge-m3", inputs, "float");

		assertThat(chat.getResponseHeaders().getFirst("x-cache-hits")).isEqualTo("2");
		assertThat(ops.getResponseHeaders().getFirst("x-cache-hits")).isNull();
		assertVectors(json.readTree(ops.getResponseBody()), inputs, BGE_M3);
		assertThat(upstream.inputsSent()).containsExactly(inputs.get(0), inputs.get(1), inputs.get(0), inputs.get(1));
	}

	@Test
	void keysOnTheCatalogModelSoAnAliasHitsAndOtherDimensionsMiss() {
		List<String> inputs = texts("alias", 0, 1);
		embed("BAAI/bge-m3", inputs, 200);
		embed("bge-m3", inputs, 200);
		assertThat(upstream.calls()).hasSize(1);

		embedWithDimensions("Qwen/Qwen3-Embedding-8B", inputs, 256);
		embedWithDimensions("Qwen/Qwen3-Embedding-8B", inputs, 256);
		JsonNode other = embedWithDimensions("Qwen/Qwen3-Embedding-8B", inputs, 512);

		assertVectors(other, inputs, 512);
		assertThat(upstream.calls()).hasSize(3);
	}

	@Test
	void countsHitsAndTokensSavedAndChargesOnlyTheTokensSpentUpstream() {
		List<String> inputs = texts("metered", 0, 4);
		double tokensBefore = counter("gateway.tokens", "model", "BAAI/bge-m3");
		double savedBefore = counter("gateway.cache.tokens.saved", "model", "BAAI/bge-m3");
		double hitsBefore = counter("gateway.cache.inputs", "result", "hit");
		embed("BAAI/bge-m3", inputs.subList(0, 2), 200);

		JsonNode reply = embed("BAAI/bge-m3", inputs, 200);

		assertThat(reply.get("usage").get("prompt_tokens").intValue()).isEqualTo(tokens(inputs));
		assertThat(counter("gateway.tokens", "model", "BAAI/bge-m3") - tokensBefore).isEqualTo(tokens(inputs));
		assertThat(counter("gateway.cache.tokens.saved", "model", "BAAI/bge-m3") - savedBefore)
			.isEqualTo(tokens(inputs.subList(0, 2)));
		assertThat(counter("gateway.cache.inputs", "result", "hit") - hitsBefore).isEqualTo(2);
	}

	private double counter(String name, String tag, String value) {
		return this.meters.find(name).tag(tag, value).counters().stream().mapToDouble((c) -> c.count()).sum();
	}

	record Answered(List<String> inputs, JsonNode reply) {
	}

	static String doubleDigitsAnswer(List<String> inputs) {
		StringBuilder body = new StringBuilder("{\"object\":\"list\",\"data\":[");
		for (int i = 0; i < inputs.size(); i++) {
			body.append((i > 0) ? "," : "").append("{\"object\":\"embedding\",\"index\":").append(i);
			body.append(",\"embedding\":[");
			float[] vector = FakeSiliconFlow.vector(inputs.get(i), BGE_M3);
			for (int d = 0; d < vector.length; d++) {
				body.append((d > 0) ? "," : "").append((double) vector[d]);
			}
			body.append("]}");
		}
		return body.append("],\"usage\":{\"prompt_tokens\":").append(tokens(inputs)).append("}}").toString();
	}

	/**
	 * Texts of one length and two words each: their share of a call's tokens is exact.
	 */
	static List<String> texts(String prefix, int from, int count) {
		return IntStream.range(from, from + count).mapToObj((i) -> text(prefix, i)).toList();
	}

	static String text(String prefix, int i) {
		return prefix + " " + String.format("%05d", i);
	}

	/** Tokens as the fake counts them: one per word. */
	static int tokens(List<String> inputs) {
		return inputs.stream().mapToInt((input) -> input.split("\\s+").length).sum();
	}

	static void assertVectors(JsonNode reply, List<String> inputs, int dimensions) {
		JsonNode data = reply.get("data");
		assertThat(data.size()).isEqualTo(inputs.size());
		for (int i = 0; i < inputs.size(); i++) {
			assertThat(data.get(i).get("index").intValue()).isEqualTo(i);
			float[] expected = FakeSiliconFlow.vector(inputs.get(i), dimensions);
			JsonNode vector = data.get(i).get("embedding");
			assertThat(vector.size()).isEqualTo(dimensions);
			for (int d = 0; d < dimensions; d++) {
				assertThat(vector.get(d).floatValue()).as("input %d component %d", i, d).isEqualTo(expected[d]);
			}
		}
	}

	private JsonNode embed(String model, List<String> inputs, int status) {
		EntityExchangeResult<byte[]> result = send(model, inputs, "float");
		assertThat(result.getStatus().value()).as(new String(result.getResponseBody())).isEqualTo(status);
		return json.readTree(result.getResponseBody());
	}

	private JsonNode embedWithDimensions(String model, List<String> inputs, int dimensions) {
		EntityExchangeResult<byte[]> result = new GatewayClient(this.port).embed(FakeSiliconFlow.SEARCH_KEY,
				json.writeValueAsString(java.util.Map.of("model", model, "input", inputs, "dimensions", dimensions)));
		assertThat(result.getStatus().value()).isEqualTo(200);
		return json.readTree(result.getResponseBody());
	}

	private EntityExchangeResult<byte[]> send(String model, List<String> inputs, String format, String... headers) {
		return send(FakeSiliconFlow.SEARCH_KEY, model, inputs, format, headers);
	}

	EntityExchangeResult<byte[]> send(String key, String model, List<String> inputs, String format, String... headers) {
		String body = json
			.writeValueAsString(java.util.Map.of("model", model, "input", inputs, "encoding_format", format));
		return new GatewayClient(this.port).embed(key, body, headers);
	}

}
