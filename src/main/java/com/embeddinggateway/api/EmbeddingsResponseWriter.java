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
		byte[] head = concat(ascii("{\"object\":\"list\",\"model\":\""),
				JsonStringEncoder.getInstance().quoteAsUTF8(model), ascii("\",\"data\":["));
		long tokens = embeddings.promptTokens();
		byte[] tail = ascii("],\"usage\":{\"prompt_tokens\":" + tokens + ",\"completion_tokens\":0,\"total_tokens\":"
				+ tokens + "}}");
		// Sized exactly in a first pass, so the vectors are copied once, into the answer.
		long size = head.length + tail.length;
		int index = 0;
		for (UpstreamBatch batch : embeddings.batches()) {
			for (int i = 0; i < batch.size(); i++, index++) {
				size += ((index > 0) ? 1 : 0) + ITEM_START.length + digits(index) + EMBEDDING.length + 1
						+ (base64 ? base64Length(batch.dimensions()) + 2 : batch.jsonLength(i));
			}
		}
		if (size > Integer.MAX_VALUE - 16) {
			throw new IllegalStateException("Response of " + size + " bytes is too large to send");
		}
		Answer out = new Answer((int) size);
		out.put(head);
		index = 0;
		for (UpstreamBatch batch : embeddings.batches()) {
			for (int i = 0; i < batch.size(); i++, index++) {
				if (index > 0) {
					out.put((byte) ',');
				}
				out.put(ITEM_START);
				out.putDigits(index);
				out.put(EMBEDDING);
				if (base64) {
					out.put((byte) '"');
					out.put(Base64.getEncoder().encode(littleEndian(batch.floats(i))));
					out.put((byte) '"');
				}
				else {
					out.position = batch.copyJson(i, out.bytes, out.position);
				}
				out.put((byte) '}');
			}
		}
		out.put(tail);
		return out.bytes;
	}

	static byte[] littleEndian(float[] vector) {
		ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
		buffer.asFloatBuffer().put(vector);
		return buffer.array();
	}

	private static int base64Length(int dimensions) {
		return 4 * ((dimensions * Float.BYTES + 2) / 3);
	}

	private static int digits(int value) {
		return (value < 10) ? 1 : Integer.toString(value).length();
	}

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	/** A byte array of the answer's exact size and where writing has got to. */
	private static final class Answer {

		final byte[] bytes;

		int position;

		Answer(int size) {
			this.bytes = new byte[size];
		}

		void put(byte b) {
			this.bytes[this.position++] = b;
		}

		void put(byte[] part) {
			System.arraycopy(part, 0, this.bytes, this.position, part.length);
			this.position += part.length;
		}

		void putDigits(int value) {
			put(Integer.toString(value).getBytes(StandardCharsets.US_ASCII));
		}

	}

}
