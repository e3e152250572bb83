package com.embeddinggateway.resilience;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import com.embeddinggateway.FakeSiliconFlow;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls that wait for a pacing slot go upstream merged, each caller still getting its own
 * vector.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MergedWaitingCallsIntegrationTests {

	static final FakeSiliconFlow upstream = new FakeSiliconFlow();

	static final JsonMapper json = JsonMapper.builder().build();

	static final int BGE_M3 = FakeSiliconFlow.nativeDimensions("BAAI/bge-m3");

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	@DynamicPropertySource
	static void gateway(DynamicPropertyRegistry registry) {
		upstream.register(registry);
		registry.add("gateway.resilience.pacing.max-concurrency", () -> "2");
		registry.add("gateway.resilience.pacing.min-concurrency", () -> "1");
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
	void sixtyFourConcurrentSingleInputRequestsReachASlowPacedUpstreamInAHandfulOfCalls() {
		// Slow enough that all 64 arrive while the first two calls hold both slots.
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.willReturn(aResponse().withTransformers("fake-embeddings").withFixedDelay(3000)));
		List<String> texts = IntStream.range(0, 64).mapToObj((i) -> "waiting text " + i).toList();
		WebClient client = WebClient.builder()
			.baseUrl("http://localhost:" + this.port)
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
			.build();

		List<Answered> answers = Flux.fromIterable(texts)
			.flatMap((text) -> client.post()
				.uri("/v1/embeddings")
				.headers((http) -> http.setBearerAuth(FakeSiliconFlow.SEARCH_KEY))
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(json.writeValueAsString(Map.of("model", "BAAI/bge-m3", "input", text)))
				.retrieve()
				.bodyToMono(byte[].class)
				.map((body) -> new Answered(text, json.readTree(body))), 64)
			.collectList()
			.block(java.time.Duration.ofSeconds(120));

		assertThat(answers).hasSize(64);
		for (Answered answer : answers) {
			float[] expected = FakeSiliconFlow.vector(answer.text(), BGE_M3);
			JsonNode vector = answer.reply().get("data").get(0).get("embedding");
			for (int d = 0; d < BGE_M3; d++) {
				assertThat(vector.get(d).floatValue()).isEqualTo(expected[d]);
			}
			assertThat(answer.reply().get("usage").get("prompt_tokens").intValue()).isEqualTo(3);
		}
		List<JsonNode> calls = upstream.calls();
		assertThat(calls.size()).as("upstream calls").isLessThanOrEqualTo(8);
		assertThat(upstream.inputsSent()).containsExactlyInAnyOrderElementsOf(texts);
		assertThat(calls).allSatisfy((call) -> assertThat(call.get("input").size()).isLessThanOrEqualTo(32));
		assertThat(this.meters.find("gateway.upstream.merged.calls").counter().count()).isPositive();
	}

	@Test
	void sendsARequestAtOnceAndAloneWhenNothingWaits() {
		for (int i = 0; i < 3; i++) {
			upstream.server().resetRequests();
			String text = "alone " + i;
			byte[] body = WebClient.create("http://localhost:" + this.port)
				.post()
				.uri("/v1/embeddings")
				.headers((http) -> http.setBearerAuth(FakeSiliconFlow.SEARCH_KEY))
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(json.writeValueAsString(Map.of("model", "BAAI/bge-m3", "input", List.of(text))))
				.retrieve()
				.bodyToMono(byte[].class)
				.block(java.time.Duration.ofSeconds(60));

			assertThat(json.readTree(body).get("data").size()).isEqualTo(1);
			assertThat(upstream.inputsSent()).containsExactly(text);
		}
	}

	record Answered(String text, JsonNode reply) {
	}

}
