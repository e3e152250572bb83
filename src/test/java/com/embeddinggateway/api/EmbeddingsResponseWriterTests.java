package com.embeddinggateway.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import com.embeddinggateway.fanout.Embeddings;
import com.embeddinggateway.upstream.UpstreamBatch;
import com.embeddinggateway.upstream.UpstreamFailures;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddingsResponseWriterTests {

	@Test
	void writesTheAnswerAtItsExactSizeForEveryIndexWidthAndEncoding() {
		StringBuilder body = new StringBuilder("{\"data\":[");
		for (int i = 0; i < 12; i++) {
			body.append((i > 0) ? "," : "").append("{\"embedding\":[ ").append(i).append(".5e-1, -0 ]}");
		}
		UpstreamBatch batch = UpstreamFailures.parse(body.append("]}").toString(), 12);
		Embeddings embeddings = new Embeddings(List.of(batch, batch), 7);

		byte[] floatBytes = EmbeddingsResponseWriter.write("m\"x", embeddings, false);
		byte[] base64Bytes = EmbeddingsResponseWriter.write("m", embeddings, true);
		String floats = new String(floatBytes, StandardCharsets.UTF_8);
		String base64 = new String(base64Bytes, StandardCharsets.UTF_8);

		assertThat(floatBytes).hasSize(EmbeddingsResponseWriter.prepare("m\"x", embeddings, false).size());
		assertThat(base64Bytes).hasSize(EmbeddingsResponseWriter.prepare("m", embeddings, true).size());

		assertThat(floats)
			.startsWith("{\"object\":\"list\",\"model\":\"m\\\"x\",\"data\":[{\"object\":\"embedding\",\"index\":0,")
			.contains("{\"object\":\"embedding\",\"index\":23,\"embedding\":[ 11.5e-1, -0 ]}")
			.endsWith("],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":0,\"total_tokens\":7}}")
			.doesNotContain("\u0000");
		assertThat(base64)
			.contains(
					"\"index\":23,\"embedding\":\""
							+ Base64.getEncoder()
								.encodeToString(EmbeddingsResponseWriter.littleEndian(new float[] { 1.15f, -0.0f }))
							+ "\"}")
			.endsWith("}}")
			.doesNotContain("\u0000");
	}

	@Test
	void encodesFloatsAsLittleEndianFloat32() {
		byte[] bytes = EmbeddingsResponseWriter.littleEndian(new float[] { 1.0f, -2.5f });

		// 1.0f is 0x3F800000 and -2.5f is 0xC0200000, least significant byte first.
		assertThat(bytes).containsExactly(0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0);
		assertThat(Base64.getEncoder().encodeToString(bytes)).isEqualTo("AACAPwAAIMA=");
	}

}
