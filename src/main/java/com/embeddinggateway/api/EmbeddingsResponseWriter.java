package com.embeddinggateway.api;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.embeddinggateway.fanout.Embeddings;
import com.embeddinggateway.upstream.UpstreamBatch;
import tools.jackson.core.io.JsonStringEncoder;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

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

	/**
	 * The answer to {@code embeddings}, sized exactly in a first pass, so that it can be
	 * written in one buffer allocated once and the vectors copied once, into it.
	 */
	static Answer prepare(String model, Embeddings embeddings, boolean base64) {
		byte[] head = concat(ascii("{\"object\":\"list\",\"model\":\""),
				JsonStringEncoder.getInstance().quoteAsUTF8(model), ascii("\",\"data\":["));
		long tokens = embeddings.promptTokens();
		byte[] tail = ascii("],\"usage\":{\"prompt_tokens\":" + tokens + ",\"completion_tokens\":0,\"total_tokens\":"
				+ tokens + "}}");
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
		return new Answer(head, tail, embeddings, base64, (int) size);
	}

	/** The whole answer as one array, for callers that want bytes. */
	static byte[] write(String model, Embeddings embeddings, boolean base64) {
		Answer answer = prepare(model, embeddings, base64);
		DataBuffer buffer = DefaultDataBufferFactory.sharedInstance.allocateBuffer(answer.size());
		answer.writeTo(buffer);
		byte[] bytes = new byte[buffer.readableByteCount()];
		buffer.read(bytes);
		return bytes;
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

	/** An answer ready to be written: its fixed parts and its exact size. */
	static final class Answer {

		private final byte[] head;

		private final byte[] tail;

		private final Embeddings embeddings;

		private final boolean base64;

		private final int size;

		private Answer(byte[] head, byte[] tail, Embeddings embeddings, boolean base64, int size) {
			this.head = head;
			this.tail = tail;
			this.embeddings = embeddings;
			this.base64 = base64;
			this.size = size;
		}

		int size() {
			return this.size;
		}

		/** Writes the answer's {@link #size()} bytes into {@code out}. */
		void writeTo(DataBuffer out) {
			out.write(this.head);
			int index = 0;
			for (UpstreamBatch batch : this.embeddings.batches()) {
				for (int i = 0; i < batch.size(); i++, index++) {
					if (index > 0) {
						out.write((byte) ',');
					}
					out.write(ITEM_START);
					out.write(Integer.toString(index).getBytes(StandardCharsets.US_ASCII));
					out.write(EMBEDDING);
					if (this.base64) {
						out.write((byte) '"');
						out.write(Base64.getEncoder().encode(littleEndian(batch.floats(i))));
						out.write((byte) '"');
					}
					else {
						batch.copyJson(i, out);
					}
					out.write((byte) '}');
				}
			}
			out.write(this.tail);
		}

	}

}
