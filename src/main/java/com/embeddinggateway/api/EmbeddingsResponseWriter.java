package com.embeddinggateway.api;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.embeddinggateway.fanout.Embeddings;
import com.embeddinggateway.upstream.UpstreamBatch;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * Writes the OpenAI embeddings response straight to bytes. Float vectors are copied as
 * the upstream's JSON; base64 vectors are little-endian float32, standard alphabet with
 * padding, which is what the OpenAI SDKs decode (openai-node without checking).
 */
final class EmbeddingsResponseWriter {

	private static final byte[] ITEM_START = ascii("{\"object\":\"embedding\",\"index\":");

	private static final byte[] EMBEDDING = ascii(",\"embedding\":");

	private EmbeddingsResponseWriter() {
	}

	static byte[] write(String model, Embeddings embeddings, boolean base64) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(estimateSize(embeddings, base64));
		write(out, "{\"object\":\"list\",\"model\":\"");
		out.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(model));
		write(out, "\",\"data\":[");
		int index = 0;
		for (UpstreamBatch batch : embeddings.batches()) {
			for (int i = 0; i < batch.size(); i++) {
				if (index > 0) {
					out.write(',');
				}
				out.writeBytes(ITEM_START);
				write(out, Integer.toString(index++));
				out.writeBytes(EMBEDDING);
				if (base64) {
					out.write('"');
					out.writeBytes(Base64.getEncoder().encode(littleEndian(batch.floats(i))));
					out.write('"');
				}
				else {
					batch.writeJson(i, out);
				}
				out.write('}');
			}
		}
		long tokens = embeddings.promptTokens();
		write(out, "],\"usage\":{\"prompt_tokens\":" + tokens + ",\"completion_tokens\":0,\"total_tokens\":" + tokens
				+ "}}");
		return out.toByteArray();
	}

	static byte[] littleEndian(float[] vector) {
		ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
		buffer.asFloatBuffer().put(vector);
		return buffer.array();
	}

	private static int estimateSize(Embeddings embeddings, boolean base64) {
		long size = 256;
		for (UpstreamBatch batch : embeddings.batches()) {
			for (int i = 0; i < batch.size(); i++) {
				size += 64 + (base64 ? (batch.dimensions() * 16L + 2) / 3 + 2 : batch.jsonLength(i));
			}
		}
		return (int) Math.min(size, Integer.MAX_VALUE - 16);
	}

	private static void write(ByteArrayOutputStream out, String ascii) {
		out.writeBytes(ascii.getBytes(StandardCharsets.US_ASCII));
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

}
