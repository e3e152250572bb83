package com.embeddinggateway.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import com.embeddinggateway.fanout.Embeddings;
import com.embeddinggateway.upstream.UpstreamBatch;
import com.embeddinggateway.upstream.UpstreamFailures;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

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
	void carriesVectorsAcrossTheAnswersBufferBoundaries() {
		int count = 24;
		int dimensions = 1000;
		StringBuilder body = new StringBuilder("{\"data\":[");
		for (int i = 0; i < count; i++) {
			body.append((i > 0) ? "," : "").append("{\"index\":").append(i).append(",\"embedding\":[");
			for (int d = 0; d < dimensions; d++) {
				body.append((d > 0) ? "," : "").append(i).append('.').append(d).append("e-3");
			}
			body.append("]}");
		}
		UpstreamBatch batch = UpstreamFailures.parse(body.append("]}").toString(), count);
		Embeddings embeddings = new Embeddings(List.of(batch), 1);

		byte[] answer = EmbeddingsResponseWriter.write("m", embeddings, false);

		assertThat(answer.length).isGreaterThan(4 * 32 * 1024)
			.isEqualTo(EmbeddingsResponseWriter.prepare("m", embeddings, false).size());
		JsonNode data = JsonMapper.builder().build().readTree(answer).get("data");
		assertThat(data).hasSize(count);
		for (int i = 0; i < count; i++) {
			JsonNode vector = data.get(i).get("embedding");
			assertThat(vector).hasSize(dimensions);
			for (int d = 0; d < dimensions; d += 97) {
				assertThat(vector.get(d).floatValue()).isEqualTo(Float.parseFloat(i + "." + d + "e-3"));
			}
		}
	}

	@Test
	void encodesFloatsAsLittleEndianFloat32() {
		byte[] bytes = EmbeddingsResponseWriter.littleEndian(new float[] { 1.0f, -2.5f });

		// 1.0f is 0x3F800000 and -2.5f is 0xC0200000, least significant byte first.
		assertThat(bytes).containsExactly(0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0);
		assertThat(Base64.getEncoder().encodeToString(bytes)).isEqualTo("AACAPwAAIMA=");
	}

}
