package com.embeddinggateway.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class MockVectorsTests {

	private final MockVectors vectors = new MockVectors();

	@Test
	void floatTextIsAJsonArrayOfTheRequestedLength() {
		JsonNode array = JsonMapper.builder().build().readTree(this.vectors.floatJson(1024, 0));

		assertThat(array.isArray()).isTrue();
		assertThat(array.size()).isEqualTo(1024);
		assertThat(array.get(0).isNumber()).isTrue();
	}

	@Test
	void base64IsLittleEndianFloat32OfTheSameFloats() {
		JsonNode array = JsonMapper.builder().build().readTree(this.vectors.floatJson(768, 5));
		String quoted = new String(this.vectors.base64Json(768, 5), StandardCharsets.US_ASCII);

		assertThat(quoted).startsWith("\"").endsWith("\"");
		ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(quoted.substring(1, quoted.length() - 1)))
			.order(ByteOrder.LITTLE_ENDIAN);
		assertThat(bytes.remaining()).isEqualTo(768 * Float.BYTES);
		for (int i = 0; i < 768; i++) {
			assertThat(bytes.getFloat()).as("component %d", i).isEqualTo(Float.parseFloat(array.get(i).asString()));
		}
	}

	@Test
	void vectorsAreUnitLengthAndDifferPerLengthAndPerInput() {
		float[] short64 = MockVectors.vector(64, 0);
		double norm = 0;
		for (float value : short64) {
			norm += value * value;
		}

		assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
		assertThat(MockVectors.vector(128, 0)[0]).isNotEqualTo(short64[0]);
		assertThat(MockVectors.vector(64, 1)[0]).isNotEqualTo(short64[0]);
		assertThat(MockVectors.vector(64, 0)).containsExactly(short64);
	}

	@Test
	void everyOneOfTheSetIsDifferentAndTheSetRepeats() {
		Set<String> texts = new HashSet<>();
		for (int which = 0; which < MockVectors.DISTINCT; which++) {
			texts.add(new String(this.vectors.floatJson(256, which), StandardCharsets.US_ASCII));
		}

		assertThat(texts).hasSize(MockVectors.DISTINCT);
		assertThat(this.vectors.floatJson(256, MockVectors.DISTINCT + 3)).isSameAs(this.vectors.floatJson(256, 3));
		assertThat(this.vectors.base64Json(256, -1)).isSameAs(this.vectors.base64Json(256, MockVectors.DISTINCT - 1));
	}

	@Test
	void refusesLengthsNoModelHas() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.vectors.floatJson(0, 0));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.vectors.base64Json(MockVectors.MAX_DIMENSIONS + 1, 0));
	}

}
