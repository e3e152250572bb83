package com.embeddinggateway.catalog;

import java.nio.charset.StandardCharsets;

import com.embeddinggateway.FakeSiliconFlow;
import com.embeddinggateway.GatewayClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Texts of millions of characters, under the 16 MB body limit, to the models whose tokens
 * the gateway counts itself. Each once aborted or stalled the process inside the native
 * tokenizer; now each is answered and the gateway serves the next request.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OverlongInputsIntegrationTests {

	static final FakeSiliconFlow upstream = new FakeSiliconFlow();

	static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void gateway(DynamicPropertyRegistry registry) {
		upstream.register(registry);
		registry.add("gateway.local.enabled", () -> "true");
		registry.add("gateway.tenants[2].id", () -> "local-team");
		registry.add("gateway.tenants[2].api-key-sha256[0]", () -> com.embeddinggateway.Fixtures.sha256(LOCAL_KEY));
	}

	static final String LOCAL_KEY = "eg-local-team-key-3a9f";

	@AfterAll
	static void stopUpstream() {
		upstream.stop();
	}

	@BeforeEach
	void resetUpstream() {
		upstream.reset();
	}

	@Test
	void refusesFourMillionChineseCharactersForBgeLargeZhAndServesTheNextRequest() {
		EntityExchangeResult<byte[]> reply = embed(FakeSiliconFlow.SEARCH_KEY, "BAAI/bge-large-zh-v1.5",
				"中".repeat(4_194_304));

		assertRefusedAsTooLong(reply, 512);
		assertThat(upstream.calls()).isEmpty();
		assertThat(embed(FakeSiliconFlow.SEARCH_KEY, "BAAI/bge-large-zh-v1.5", "今天天气很好").getStatus().value())
			.isEqualTo(200);
	}

	@Test
	void refusesTwelveMillionPunctuationCharactersForBgeLargeEn() {
		assertRefusedAsTooLong(embed(FakeSiliconFlow.SEARCH_KEY, "BAAI/bge-large-en-v1.5", ".".repeat(12_000_000)),
				512);
		assertThat(upstream.calls()).isEmpty();
	}

	@Test
	void refusesFourMillionChineseCharactersForTheInProcessModel() {
		assertRefusedAsTooLong(embed(LOCAL_KEY, "BAAI/bge-small-zh-v1.5", "中".repeat(4_194_304)), 510);
	}

	@Test
	void embedsAWordOfTwelveMillionLettersAsTheOneUnknownTokenItIs() {
		EntityExchangeResult<byte[]> reply = embed(LOCAL_KEY, "BAAI/bge-small-en-v1.5", "a".repeat(12_000_000));

		assertThat(reply.getStatus().value()).isEqualTo(200);
		JsonNode body = json.readTree(reply.getResponseBodyContent());
		// [CLS], [UNK], [SEP]: BERT's WordPiece gives any word over 100 characters one
		// [UNK].
		assertThat(body.get("usage").get("prompt_tokens").intValue()).isEqualTo(3);
		assertThat(body.get("data").get(0).get("embedding")).hasSize(384);
	}

	private EntityExchangeResult<byte[]> embed(String key, String model, String text) {
		return new GatewayClient(this.port).embed(key, "{\"model\":\"" + model + "\",\"input\":\"" + text + "\"}");
	}

	private static void assertRefusedAsTooLong(EntityExchangeResult<byte[]> reply, int limit) {
		assertThat(reply.getStatus().value()).isEqualTo(400);
		JsonNode error = json.readTree(reply.getResponseBodyContent()).get("error");
		assertThat(error.get("param").stringValue()).isEqualTo("input");
		assertThat(error.get("message").stringValue()).contains("index 0").contains("more than " + limit + " tokens");
		assertThat(new String(reply.getResponseBodyContent(), StandardCharsets.UTF_8)).hasSizeLessThan(1000);
	}

}
