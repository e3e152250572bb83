package com.embeddinggateway.api;

import java.util.Base64;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddingsResponseWriterTests {

	@Test
	void encodesFloatsAsLittleEndianFloat32() {
		byte[] bytes = EmbeddingsResponseWriter.littleEndian(new float[] { 1.0f, -2.5f });

		// 1.0f is 0x3F800000 and -2.5f is 0xC0200000, least significant byte first.
		assertThat(bytes).containsExactly(0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0);
		assertThat(Base64.getEncoder().encodeToString(bytes)).isEqualTo("AACAPwAAIMA=");
	}

}
