package com.embeddinggateway.bench;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class MockRequestTests {

	@Test
	void countsAnArrayOfInputsAndReadsTheOptions() {
		MockRequest request = parse("""
				{"model": "Qwen/Qwen3-Embedding-8B", "input": ["one", "two", "three"],
				 "encoding_format": "base64", "dimensions": 512}""");

		assertThat(request.model()).isEqualTo("Qwen/Qwen3-Embedding-8B");
		assertThat(request.inputs()).isEqualTo(3);
		assertThat(request.base64()).isTrue();
		assertThat(request.vectorLength()).isEqualTo(512);
	}

	@Test
	void aSingleStringIsOneInput() {
		MockRequest request = parse("{\"input\":\"hello world, twenty bytes\",\"model\":\"BAAI/bge-m3\"}");

		assertThat(request.inputs()).isEqualTo(1);
		assertThat(request.tokens()).isEqualTo(7);
		assertThat(request.base64()).isFalse();
	}

	@Test
	void quotesBracketsAndCommasInsideInputsDoNotCount() {
		MockRequest request = parse("{\"model\":\"m\",\"input\":[\"a \\\"quoted\\\", [x]\", \"b\\\\\", \"{c}\"]}");

		assertThat(request.inputs()).isEqualTo(3);
	}

	@Test
	void skipsUnknownFieldsOfAnyShape() {
		MockRequest request = parse("""
				{"user": {"id": [1, {"deep": "]"}], "x": null}, "extra": [true, false, -1.5e3],
				 "model": "BAAI/bge-m3", "input": ["a", "b"], "dimensions": null}""");

		assertThat(request.inputs()).isEqualTo(2);
		assertThat(request.dimensions()).isZero();
	}

	@Test
	void decodesEscapesInTheModelName() {
		assertThat(parse("{\"model\":\"a\\/b\\u0041\",\"input\":\"x\"}").model()).isEqualTo("a/bA");
	}

	@Test
	void vectorLengthFollowsSiliconFlowsModelTable() {
		assertThat(parse("{\"model\":\"Qwen/Qwen3-Embedding-8B\",\"input\":\"x\"}").vectorLength()).isEqualTo(4096);
		assertThat(parse("{\"model\":\"Qwen/Qwen3-Embedding-4B\",\"input\":\"x\"}").vectorLength()).isEqualTo(2560);
		assertThat(parse("{\"model\":\"netease-youdao/bce-embedding-base_v1\",\"input\":\"x\"}").vectorLength())
			.isEqualTo(768);
		assertThat(parse("{\"model\":\"BAAI/bge-m3\",\"input\":\"x\"}").vectorLength()).isEqualTo(1024);
	}

	@Test
	void refusesWhatSiliconFlowRefuses() {
		assertThatIllegalArgumentException().isThrownBy(() -> parse("{\"model\":\"m\",\"input\":[]}"));
		assertThatIllegalArgumentException().isThrownBy(() -> parse("{\"model\":\"m\"}"));
		assertThatIllegalArgumentException().isThrownBy(() -> parse("{\"input\":\"x\"}"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> parse("{\"model\":\"m\",\"input\":\"x\",\"dimensions\":0}"));
	}

	@Test
	void refusesMalformedJson() {
		assertThatIllegalArgumentException().isThrownBy(() -> parse(""));
		assertThatIllegalArgumentException().isThrownBy(() -> parse("{\"model\":\"m\",\"input\":[\"x\""));
		assertThatIllegalArgumentException().isThrownBy(() -> parse("{\"model\":\"m\" \"input\":\"x\"}"));
		assertThatIllegalArgumentException().isThrownBy(() -> parse("{\"model\":\"m\",\"input\":\"unterminated}"));
	}

	private static MockRequest parse(String json) {
		return MockRequest.parse(json.getBytes(StandardCharsets.UTF_8));
	}

}
