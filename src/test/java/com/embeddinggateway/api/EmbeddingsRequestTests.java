package com.embeddinggateway.api;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.embeddinggateway.catalog.InvalidInputException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EmbeddingsRequestTests {

	static final JsonMapper json = JsonMapper.builder().build();

	@Test
	void readsEveryField() {
		EmbeddingsRequest request = parse(
				"{\"model\":\"bge-m3\",\"input\":[\"a\",\"b\"],\"encoding_format\":\"base64\",\"dimensions\":256,\"user\":\"u\"}");

		assertThat(request).isEqualTo(new EmbeddingsRequest("bge-m3", List.of("a", "b"), true, 256));
	}

	@Test
	void defaultsToFloatWithoutDimensions() {
		assertThat(parse("{\"model\":\"m\",\"input\":\"a\",\"dimensions\":null}"))
			.isEqualTo(new EmbeddingsRequest("m", List.of("a"), false, null));
	}

	@Test
	void namesTheFieldAtFault() {
		assertParam("{\"model\":\"\",\"input\":\"a\"}", "model");
		assertParam("{\"model\":\"m\",\"input\":7}", "input");
		assertParam("{\"model\":\"m\",\"input\":[\"a\",[\"b\"]]}", "input");
		assertParam("{\"model\":\"m\",\"input\":\"a\",\"encoding_format\":\"FLOAT\"}", "encoding_format");
		assertParam("{\"model\":\"m\",\"input\":\"a\",\"dimensions\":1.5}", "dimensions");
		assertParam("{\"model\":\"m\",\"input\":\"a\",\"dimensions\":0}", "dimensions");
		assertParam("{\"model\":\"m\",\"input\":\"a\",\"dimensions\":99999999999}", "dimensions");
	}

	@Test
	void tellsLangChainUsersHowToSendText() {
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> parse("{\"model\":\"m\",\"input\":[[9906,1917]]}"))
			.withMessage(EmbeddingsRequest.TOKEN_IDS_MESSAGE);
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> parse("{\"model\":\"m\",\"input\":[9906,1917]}"))
			.withMessage(EmbeddingsRequest.TOKEN_IDS_MESSAGE);
	}

	private static void assertParam(String body, String param) {
		assertThatExceptionOfType(InvalidInputException.class).as(body)
			.isThrownBy(() -> parse(body))
			.satisfies((error) -> assertThat(error.param()).isEqualTo(param));
	}

	private static EmbeddingsRequest parse(String body) {
		return EmbeddingsRequest.parse(body.getBytes(StandardCharsets.UTF_8), json);
	}

}
