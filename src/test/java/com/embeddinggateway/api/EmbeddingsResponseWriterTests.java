package com.embeddinggateway.api;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.BiFunction;

import com.embeddinggateway.fanout.Embeddings;
import com.embeddinggateway.upstream.UpstreamBatch;
import com.embeddinggateway.upstream.UpstreamFailures;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

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
			.contains("\"index\":23,\"embedding\":\""
					+ Base64.getEncoder().encodeToString(littleEndian(new float[] { 1.15f, -0.0f })) + "\"}")
			.endsWith("}}")
			.doesNotContain("\u0000");
	}

	@Test
	void carriesVectorsAcrossTheAnswersBufferBoundaries() {
		int count = 24;
		int dimensions = 1000;
		UpstreamBatch batch = batch(count, dimensions, (i, d) -> i + "." + d + "e-3");
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
	void carriesBase64VectorsAcrossTheAnswersBufferBoundaries() {
		int count = 24;
		int dimensions = 1000;
		UpstreamBatch batch = batch(count, dimensions, (i, d) -> ((d % 2 == 0) ? "-" : "") + i + "." + d);
		Embeddings embeddings = new Embeddings(List.of(batch, batch), 1);

		byte[] answer = EmbeddingsResponseWriter.write("m", embeddings, true);

		assertThat(answer.length).isGreaterThan(4 * 32 * 1024)
			.isEqualTo(EmbeddingsResponseWriter.prepare("m", embeddings, true).size());
		JsonNode data = JsonMapper.builder().build().readTree(answer).get("data");
		assertThat(data).hasSize(2 * count);
		for (int i = 0; i < 2 * count; i++) {
			ByteBuffer vector = ByteBuffer.wrap(Base64.getDecoder().decode(data.get(i).get("embedding").stringValue()))
				.order(ByteOrder.LITTLE_ENDIAN);
			assertThat(vector.remaining()).isEqualTo(dimensions * Float.BYTES);
			for (int d = 0; d < dimensions; d++) {
				String decimal = ((d % 2 == 0) ? "-" : "") + (i % count) + "." + d;
				assertThat(vector.getFloat()).isEqualTo(Float.parseFloat(decimal));
			}
		}
	}

	@Test
	void sendsALargeAnswerAsItsChunksInOrderAndASmallOneAsOneBuffer() {
		// 24 x 4096 numbers of 8 to 11 bytes, repeated 20 times: about 18 MB, past one
		// buffer.
		UpstreamBatch batch = batch(24, 4096, (i, d) -> "-0." + i + "" + d);
		List<UpstreamBatch> batches = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			batches.add(batch);
		}
		Embeddings large = new Embeddings(batches, 1);
		EmbeddingsResponseWriter.Answer answer = EmbeddingsResponseWriter.prepare("m", large, false);
		assertThat(answer.size()).isGreaterThan(EmbeddingsResponseWriter.Answer.MAX_JOINED);

		List<DataBuffer> chunks = Flux.from(answer.body(DefaultDataBufferFactory.sharedInstance)).collectList().block();

		assertThat(chunks).hasSizeGreaterThan(512);
		ByteArrayOutputStream sent = new ByteArrayOutputStream();
		for (DataBuffer chunk : chunks) {
			byte[] bytes = new byte[chunk.readableByteCount()];
			chunk.read(bytes);
			sent.writeBytes(bytes);
		}
		assertThat(sent.toByteArray()).isEqualTo(EmbeddingsResponseWriter.write("m", large, false));
		Embeddings small = new Embeddings(List.of(batch), 1);
		assertThat(EmbeddingsResponseWriter.prepare("m", small, false).body(DefaultDataBufferFactory.sharedInstance))
			.isInstanceOf(Mono.class);
	}

	@Test
	void encodesFloatsAsLittleEndianFloat32() {
		UpstreamBatch batch = UpstreamFailures.parse("{\"data\":[{\"embedding\":[1.0,-2.5e0]}]}", 1);

		String answer = new String(EmbeddingsResponseWriter.write("m", new Embeddings(List.of(batch), 1), true),
				StandardCharsets.UTF_8);

		// 1.0f is 0x3F800000 and -2.5f is 0xC0200000, least significant byte first:
		// 00 00 80 3F 00 00 20 C0.
		assertThat(answer).contains("\"embedding\":\"AACAPwAAIMA=\"");
	}

	/**
	 * An upstream answer of {@code count} vectors whose components {@code number} writes.
	 */
	private static UpstreamBatch batch(int count, int dimensions, BiFunction<Integer, Integer, String> number) {
		StringBuilder body = new StringBuilder("{\"data\":[");
		for (int i = 0; i < count; i++) {
			body.append((i > 0) ? "," : "").append("{\"index\":").append(i).append(",\"embedding\":[");
			for (int d = 0; d < dimensions; d++) {
				body.append((d > 0) ? "," : "").append(number.apply(i, d));
			}
			body.append("]}");
		}
		return UpstreamFailures.parse(body.append("]}").toString(), count);
	}

	private static byte[] littleEndian(float[] vector) {
		ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
		buffer.asFloatBuffer().put(vector);
		return buffer.array();
	}

}
