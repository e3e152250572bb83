package com.embeddinggateway.api;

import java.util.List;

import com.embeddinggateway.FakeSiliconFlow;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The official openai-java SDK, pointed at the gateway, as an internal service would use
 * it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpenAiSdkIntegrationTests {

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
	void defaultSettingsAskForBase64AndDecodeTheExactVectors() {
		List<String> inputs = List.of("the quick brown fox", "jumps over", "the lazy dog");

		CreateEmbeddingResponse response = client(FakeSiliconFlow.SEARCH_KEY).embeddings()
			.create(EmbeddingCreateParams.builder().model("BAAI/bge-m3").inputOfArrayOfStrings(inputs).build());

		assertVectors(response, inputs);
		assertThat(response.model()).isEqualTo("BAAI/bge-m3");
		assertThat(response.usage().promptTokens()).isEqualTo(9);
	}

	@Test
	void floatEncodingGivesTheSameVectors() {
		List<String> inputs = List.of("float please");

		CreateEmbeddingResponse response = client(FakeSiliconFlow.SEARCH_KEY).embeddings()
			.create(EmbeddingCreateParams.builder()
				.model("BAAI/bge-m3")
				.inputOfArrayOfStrings(inputs)
				.encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
				.build());

		assertVectors(response, inputs);
	}

	@Test
	void dimensionsAndASingleStringWork() {
		CreateEmbeddingResponse response = client(FakeSiliconFlow.SEARCH_KEY).embeddings()
			.create(EmbeddingCreateParams.builder()
				.model("Qwen/Qwen3-Embedding-8B")
				.input("one text")
				.dimensions(256)
				.build());

		assertThat(response.data().get(0).embedding()).hasSize(256);
	}

	@Test
	void errorsReachTheSdkAsItsOwnExceptions() {
		assertThatExceptionOfType(UnauthorizedException.class).isThrownBy(() -> client("eg-wrong-key").embeddings()
			.create(EmbeddingCreateParams.builder().model("BAAI/bge-m3").input("x").build()));
		assertThatExceptionOfType(NotFoundException.class)
			.isThrownBy(() -> client(FakeSiliconFlow.SEARCH_KEY).embeddings()
				.create(EmbeddingCreateParams.builder().model("no-such-model").input("x").build()))
			.satisfies((error) -> assertThat(error.getMessage())
				.isEqualTo("404: The model 'no-such-model' does not exist or you do not have access to it."));
	}

	private static void assertVectors(CreateEmbeddingResponse response, List<String> inputs) {
		assertThat(response.data()).hasSize(inputs.size());
		for (int i = 0; i < inputs.size(); i++) {
			assertThat(response.data().get(i).index()).isEqualTo(i);
			List<Float> vector = response.data().get(i).embedding();
			float[] expected = FakeSiliconFlow.vector(inputs.get(i), FakeSiliconFlow.nativeDimensions("BAAI/bge-m3"));
			assertThat(vector).hasSize(expected.length);
			for (int d = 0; d < expected.length; d++) {
				assertThat(vector.get(d)).isEqualTo(expected[d]);
			}
		}
	}

	private OpenAIClient client(String key) {
		return OpenAIOkHttpClient.builder()
			.apiKey(key)
			.baseUrl("http://localhost:" + this.port + "/v1")
			.maxRetries(0)
			.build();
	}

}
