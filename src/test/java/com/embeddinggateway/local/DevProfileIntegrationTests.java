package com.embeddinggateway.local;

import java.util.List;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The first run: the application with only the {@code dev} profile, no upstream key and
 * no network, answering an OpenAI SDK with real vectors.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("dev")
@ExtendWith(OutputCaptureExtension.class)
class DevProfileIntegrationTests {

	static final String DEV_KEY = "eg-dev-local-key";

	@LocalServerPort
	int port;

	@Test
	void answersTheSdksDefaultBase64AndFloatWithTheSameRealVectors() {
		List<String> texts = List.of("The cat sits on the mat", "A cat is sitting on a rug",
				"Quarterly revenue grew by 8 percent");

		CreateEmbeddingResponse base64 = client().embeddings()
			.create(EmbeddingCreateParams.builder()
				.model("BAAI/bge-small-en-v1.5")
				.inputOfArrayOfStrings(texts)
				.build());
		CreateEmbeddingResponse floats = client().embeddings()
			.create(EmbeddingCreateParams.builder()
				.model("bge-small-en-v1.5")
				.inputOfArrayOfStrings(texts)
				.encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
				.build());

		float[][] vectors = new float[3][];
		for (int i = 0; i < 3; i++) {
			vectors[i] = toArray(base64.data().get(i).embedding());
			assertThat(vectors[i]).hasSize(384);
			assertThat(norm(vectors[i])).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
			assertThat(toArray(floats.data().get(i).embedding())).containsExactly(vectors[i]);
		}
		assertThat(dot(vectors[0], vectors[1])).isGreaterThan(dot(vectors[0], vectors[2]) + 0.1);
		assertThat(base64.usage().promptTokens()).isGreaterThan(15);
	}

	@Test
	void servesChineseToo() {
		CreateEmbeddingResponse response = client().embeddings()
			.create(EmbeddingCreateParams.builder()
				.model("BAAI/bge-small-zh-v1.5")
				.inputOfArrayOfStrings(List.of("今天天气很好", "今天是晴天", "股票市场大幅下跌"))
				.build());

		float[] a = toArray(response.data().get(0).embedding());
		assertThat(a).hasSize(512);
		assertThat(dot(a, toArray(response.data().get(1).embedding())))
			.isGreaterThan(dot(a, toArray(response.data().get(2).embedding())));
	}

	@Test
	void refusesAnInputOverTheWindowNamingItsIndex() {
		String tooLong = "hello, ".repeat(256);
		assertThatExceptionOfType(BadRequestException.class)
			.isThrownBy(() -> client().embeddings()
				.create(EmbeddingCreateParams.builder()
					.model("BAAI/bge-small-en-v1.5")
					.inputOfArrayOfStrings(List.of("short", tooLong))
					.build()))
			.withMessageContaining("index 1")
			.withMessageContaining("more than 510 tokens")
			.withMessageContaining("510");
	}

	@Test
	void saysAtStartUpHowToCallIt(CapturedOutput output) {
		assertThat(output.getAll()).contains("Dev gateway ready: curl http://127.0.0.1:" + this.port
				+ "/v1/embeddings -H 'Authorization: Bearer " + DEV_KEY + "'");
	}

	@Test
	void logsHumanReadableLinesNotJson(CapturedOutput output) {
		client().embeddings()
			.create(EmbeddingCreateParams.builder()
				.model("BAAI/bge-small-en-v1.5")
				.inputOfArrayOfStrings(List.of("plain lines"))
				.build());

		assertThat(output.getAll().lines().filter((line) -> line.contains("embeddings dev BAAI/bge-small-en-v1.5")))
			.isNotEmpty()
			.allSatisfy((line) -> assertThat(line).doesNotStartWith("{").contains("-> 200"));
	}

	@Test
	void listsTheLocalModels() {
		assertThat(client().models().list().data()).extracting((model) -> model.id())
			.contains("BAAI/bge-small-en-v1.5", "BAAI/bge-small-zh-v1.5");
	}

	private OpenAIClient client() {
		return OpenAIOkHttpClient.builder()
			.apiKey(DEV_KEY)
			.baseUrl("http://127.0.0.1:" + this.port + "/v1")
			.maxRetries(0)
			.build();
	}

	private static float[] toArray(List<Float> values) {
		float[] array = new float[values.size()];
		for (int i = 0; i < array.length; i++) {
			array[i] = values.get(i);
		}
		return array;
	}

	private static double dot(float[] a, float[] b) {
		double sum = 0;
		for (int i = 0; i < a.length; i++) {
			sum += a[i] * b[i];
		}
		return sum;
	}

	private static double norm(float[] a) {
		return Math.sqrt(dot(a, a));
	}

}
