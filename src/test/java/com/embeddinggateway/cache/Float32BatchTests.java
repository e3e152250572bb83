package com.embeddinggateway.cache;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class Float32BatchTests {

	@Test
	void writesAFloatFormThatReadsBackAsTheSameFloats() {
		float[] values = { 0.025901297f, -0.0f, 0.0f, Float.MIN_VALUE, Float.MAX_VALUE, -1.0e-7f, 1.0f / 3 };
		ByteBuffer float32 = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
		for (float value : values) {
			float32.putFloat(value);
		}

		JsonNode array = JsonMapper.builder().build().readTree(Float32Batch.toJson(float32.array()));

		assertThat(array.size()).isEqualTo(values.length);
		for (int i = 0; i < values.length; i++) {
			assertThat(Float.floatToRawIntBits(Float.parseFloat(array.get(i).asString())))
				.isEqualTo(Float.floatToRawIntBits(values[i]));
		}
	}

}
