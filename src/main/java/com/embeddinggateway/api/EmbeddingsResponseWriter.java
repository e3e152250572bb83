package com.embeddinggateway.api;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.embeddinggateway.fanout.Embeddings;
import com.embeddinggateway.upstream.VectorBatch;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.io.JsonStringEncoder;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

/**
 * Writes the OpenAI embeddings response straight to bytes. Float vectors are copied as
 * their batch's JSON (the upstream's own text, or the cache's float form); base64 vectors
 * are little-endian float32, standard alphabet with padding, which is what the OpenAI
 * SDKs decode (openai-node without checking).
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
		for (VectorBatch batch : embeddings.batches()) {
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
		DataBuffer buffer = prepare(model, embeddings, base64).writeTo(DefaultDataBufferFactory.sharedInstance);
		byte[] bytes = new byte[buffer.readableByteCount()];
		buffer.read(bytes);
		return bytes;
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

		/** 512 chunks: half the parts Netty writes without copying. */
		static final int MAX_JOINED = 512 * Output.CHUNK_SIZE;

		/** Answers up to this size go out as a {@link Mono}, the cheapest path. */
		static final int MAX_MONO = 1024 * 1024;

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

		/**
		 * The answer as a response body: one buffer up to {@value #MAX_JOINED} bytes, its
		 * chunks one after another beyond. Netty sends a buffer of more than 1024 parts
		 * (the kernel's limit for one write) by copying it whole into a new one: for the
		 * 105 MB answer to 2048 Qwen3-8B inputs, that copy ran a 256 MB heap out and left
		 * the caller waiting on a 200 that never finished.
		 * <p>
		 * A body given as a {@code Mono} is reported written while its bytes are still
		 * queued in the channel (measured: 11.7 MB of a 12 MB answer to a caller that did
		 * not read), which ends the exchange and gives back its memory budget before the
		 * answer has left. Beyond {@value #MAX_MONO} bytes the one buffer goes out as a
		 * one-element {@code Flux} instead, whose write completes only once it is sent.
		 */
		Publisher<DataBuffer> body(DataBufferFactory factory) {
			if (this.size <= MAX_MONO) {
				return Mono.fromCallable(() -> writeTo(factory));
			}
			if (this.size <= MAX_JOINED) {
				return Mono.fromCallable(() -> writeTo(factory)).flux();
			}
			return Flux.defer(() -> Flux.fromIterable(chunks(factory)))
				.doOnDiscard(DataBuffer.class, DataBufferUtils::release);
		}

		/**
		 * The answer's {@link #size()} bytes in buffers from {@code factory}, joined as
		 * one.
		 */
		DataBuffer writeTo(DataBufferFactory factory) {
			return factory.join(chunks(factory));
		}

		/**
		 * The answer's {@link #size()} bytes in buffers from {@code factory} of at most
		 * {@value Output#CHUNK_SIZE} bytes, in order.
		 */
		List<DataBuffer> chunks(DataBufferFactory factory) {
			Output out = new Output(factory, this.size);
			try {
				writeTo(out);
				return out.chunks;
			}
			catch (RuntimeException | Error ex) {
				out.release();
				throw ex;
			}
			finally {
				// Every vector has been copied: the upstream answers can be reused.
				this.embeddings.batches().forEach(VectorBatch::release);
			}
		}

		private void writeTo(Output out) {
			out.write(this.head);
			int index = 0;
			byte[] floats = new byte[0];
			byte[] encoded = new byte[0];
			for (VectorBatch batch : this.embeddings.batches()) {
				if (this.base64 && floats.length != batch.dimensions() * Float.BYTES) {
					floats = new byte[batch.dimensions() * Float.BYTES];
					encoded = new byte[base64Length(batch.dimensions())];
				}
				for (int i = 0; i < batch.size(); i++, index++) {
					if (index > 0) {
						out.write((byte) ',');
					}
					out.write(ITEM_START);
					out.write(Integer.toString(index).getBytes(StandardCharsets.US_ASCII));
					out.write(EMBEDDING);
					if (this.base64) {
						out.write((byte) '"');
						batch.writeLittleEndian(i, floats);
						Base64.getEncoder().encode(floats, encoded);
						out.write(encoded);
						out.write((byte) '"');
					}
					else {
						out.write(batch.json(i));
					}
					out.write((byte) '}');
				}
			}
			out.write(this.tail);
		}

	}

	/**
	 * The answer written across buffers of at most {@value #CHUNK_SIZE} bytes, rather
	 * than one buffer per answer. Netty 4.2's adaptive allocator pools buffers of up to
	 * 16.5 kB when the heap is at most 512 MB (as under {@code -Xmx256m}) and up to 256
	 * kB otherwise; anything larger is fresh memory, zeroed and handed to a cleaner. 16
	 * kB buffers, pooled under a small heap, measured no faster than these on 32 x 1024
	 * answers: the zeroing they save is paid back in twice as many buffers.
	 */
	private static final class Output {

		static final int CHUNK_SIZE = 32 * 1024;

		private final DataBufferFactory factory;

		private final List<DataBuffer> chunks = new ArrayList<>();

		private int unallocated;

		private @Nullable DataBuffer current;

		Output(DataBufferFactory factory, int size) {
			this.factory = factory;
			this.unallocated = size;
		}

		void write(byte b) {
			room().write(b);
		}

		void write(byte[] bytes) {
			int from = 0;
			while (from < bytes.length) {
				DataBuffer chunk = room();
				int length = Math.min(bytes.length - from, chunk.writableByteCount());
				chunk.write(bytes, from, length);
				from += length;
			}
		}

		void write(ByteBuffer source) {
			while (source.hasRemaining()) {
				DataBuffer chunk = room();
				int length = Math.min(source.remaining(), chunk.writableByteCount());
				chunk.write(source.slice(source.position(), length));
				source.position(source.position() + length);
			}
		}

		private DataBuffer room() {
			DataBuffer chunk = this.current;
			if (chunk == null || chunk.writableByteCount() == 0) {
				int size = Math.max(1, Math.min(CHUNK_SIZE, this.unallocated));
				chunk = this.factory.allocateBuffer(size);
				this.unallocated -= size;
				this.chunks.add(chunk);
				this.current = chunk;
			}
			return chunk;
		}

		void release() {
			this.chunks.forEach(DataBufferUtils::release);
		}

	}

}
