package com.embeddinggateway.bench;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class MockResponseTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final MockVectors vectors = new MockVectors();

	@Test
	void answersOneFloatVectorPerInputInOrder() {
		JsonNode answer = answer(new MockRequest("BAAI/bge-m3", 40, 80, 0, false));

		assertThat(answer.path("object").asString()).isEqualTo("list");
		assertThat(answer.path("model").asString()).isEqualTo("BAAI/bge-m3");
		JsonNode data = answer.path("data");
		assertThat(data.size()).isEqualTo(40);
		for (int i = 0; i < 40; i++) {
			assertThat(data.get(i).path("object").asString()).isEqualTo("embedding");
			assertThat(data.get(i).path("index").asInt()).isEqualTo(i);
			assertThat(data.get(i).path("embedding").size()).isEqualTo(1024);
		}
		assertThat(data.get(1).path("embedding")).isNotEqualTo(data.get(0).path("embedding"));
		assertThat(answer.path("usage").path("prompt_tokens").asLong()).isEqualTo(80);
		assertThat(answer.path("usage").path("completion_tokens").asLong()).isZero();
		assertThat(answer.path("usage").path("total_tokens").asLong()).isEqualTo(80);
	}

	@Test
	void startsAtTheGivenVectorSoAnswersVaryFromRequestToRequest() {
		MockRequest request = new MockRequest("BAAI/bge-m3", 2, 2, 8, false);
		JsonNode first = answer(request, 0);
		JsonNode next = answer(request, 2);
		JsonNode again = answer(request, MockVectors.DISTINCT);

		assertThat(next.at("/data/0/embedding")).isNotEqualTo(first.at("/data/0/embedding"))
			.isNotEqualTo(first.at("/data/1/embedding"));
		assertThat(again).isEqualTo(first);
	}

	@Test
	void honoursDimensionsAndTheModelsNativeLength() {
		assertThat(answer(new MockRequest("Qwen/Qwen3-Embedding-8B", 2, 2, 0, false)).at("/data/1/embedding").size())
			.isEqualTo(4096);
		assertThat(answer(new MockRequest("Qwen/Qwen3-Embedding-8B", 2, 2, 256, false)).at("/data/0/embedding").size())
			.isEqualTo(256);
	}

	@Test
	void base64AnswersCarryFourBytesPerComponent() {
		JsonNode embedding = answer(new MockRequest("BAAI/bge-m3", 3, 3, 0, true)).at("/data/2/embedding");

		assertThat(embedding.isString()).isTrue();
		assertThat(Base64.getDecoder().decode(embedding.asString())).hasSize(1024 * Float.BYTES);
	}

	@Test
	void echoesAModelNameThatNeedsEscaping() {
		assertThat(answer(new MockRequest("a \"b\" \\ c", 1, 1, 8, false)).path("model").asString())
			.isEqualTo("a \"b\" \\ c");
	}

	@Test
	void refusalsUseSiliconFlowsErrorShape() {
		JsonNode error = JSON.readTree(MockResponse.badRequest("input must \"not\" be empty"));

		assertThat(error.path("code").asInt()).isEqualTo(20015);
		assertThat(error.path("message").asString()).isEqualTo("input must \"not\" be empty");
	}

	private JsonNode answer(MockRequest request) {
		return answer(request, 0);
	}

	private JsonNode answer(MockRequest request, long first) {
		ByteBuf out = Unpooled.buffer();
		try {
			MockResponse.write(request, this.vectors, first, out);
			return JSON.readTree(out.toString(StandardCharsets.UTF_8));
		}
		finally {
			out.release();
		}
	}

}
