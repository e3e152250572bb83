package com.embeddinggateway.bench;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RequestBodyTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void sendsTheTextOncePerInputAsAnArray() {
		JsonNode body = JSON.readTree(RequestBody.embeddings("BAAI/bge-m3", 32, "a \"text\"", "base64", 0));

		assertThat(body.path("model").asString()).isEqualTo("BAAI/bge-m3");
		assertThat(body.path("input").size()).isEqualTo(32);
		assertThat(body.path("input").get(31).asString()).isEqualTo("a \"text\"");
		assertThat(body.path("encoding_format").asString()).isEqualTo("base64");
		assertThat(body.has("dimensions")).isFalse();
	}

	@Test
	void sendsDimensionsOnlyWhenAsked() {
		JsonNode body = JSON.readTree(RequestBody.embeddings("Qwen/Qwen3-Embedding-8B", 1, "x", "float", 1024));

		assertThat(body.path("dimensions").asInt()).isEqualTo(1024);
		assertThat(body.path("input").isArray()).isTrue();
	}

	@Test
	void theMockReadsWhatTheLoadGeneratorSends() {
		MockRequest request = MockRequest.parse(RequestBody.embeddings("BAAI/bge-m3", 2048, "x y", "float", 0));

		assertThat(request.inputs()).isEqualTo(2048);
		assertThat(request.model()).isEqualTo("BAAI/bge-m3");
	}

	@Test
	void refusesZeroInputs() {
		assertThatIllegalArgumentException().isThrownBy(() -> RequestBody.embeddings("m", 0, "x", "float", 0));
	}

}
