package com.embeddinggateway.cache;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddingCacheTests {

	@Test
	void givesATextAloneInItsCallTheWholeCount() {
		assertThat(EmbeddingCache.shares(17, List.of("anything at all"))).containsExactly(17);
	}

	@Test
	void sharesACallsTokensByTextLengthAddingUpToTheCount() {
		int[] shares = EmbeddingCache.shares(10, List.of("aaaa", "aa", "aaaa", "a"));

		assertThat(shares).containsExactly(4, 2, 3, 1);
		assertThat(shares[0] + shares[1] + shares[2] + shares[3]).isEqualTo(10);
	}

	@Test
	void countsNonAsciiTextsByTheirUtf8Bytes() {
		assertThat(EmbeddingCache.shares(4, List.of("ab", "\u4e2d"))).containsExactly(2, 2);
	}

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
