package com.embeddinggateway.cache;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.embeddinggateway.upstream.VectorBatch;

/**
 * A request's vectors as the cache holds them, float32, in input order (an input that
 * repeats an earlier one shares its vector).
 * <p>
 * The float form: every component is written as {@link Float#toString(float)} of the
 * float32 value, which reads back as exactly that float. A fresh answer with the cache on
 * is written from the same float32 values, so a float answer from the cache is byte for
 * byte the answer to the same call made fresh, and a base64 answer is the same bytes
 * either way. The upstream's own text may carry more digits (a double widened from the
 * float, Python's way): those digits are not part of the float32 the model computed.
 */
final class Float32Batch implements VectorBatch {

	private final StoredVector[] vectors;

	private final int dimensions;

	/** Each vector's JSON, written when the answer is sized, for float answers only. */
	private final byte[][] json;

	Float32Batch(StoredVector[] vectors) {
		this.vectors = vectors;
		this.dimensions = (vectors.length > 0) ? vectors[0].dimensions() : 0;
		this.json = new byte[vectors.length][];
	}

	@Override
	public int size() {
		return this.vectors.length;
	}

	@Override
	public int dimensions() {
		return this.dimensions;
	}

	@Override
	public long promptTokens() {
		long tokens = 0;
		for (StoredVector vector : this.vectors) {
			tokens += vector.tokens();
		}
		return tokens;
	}

	@Override
	public int jsonLength(int i) {
		return json(i).remaining();
	}

	@Override
	public ByteBuffer json(int i) {
		byte[] text = this.json[i];
		if (text == null) {
			text = toJson(this.vectors[i].float32());
			this.json[i] = text;
		}
		return ByteBuffer.wrap(text).asReadOnlyBuffer();
	}

	@Override
	public void writeLittleEndian(int i, byte[] into) {
		byte[] float32 = this.vectors[i].float32();
		System.arraycopy(float32, 0, into, 0, float32.length);
	}

	@Override
	public void release() {
		// Only the JSON belongs to this answer; the vectors stay in the cache.
		Arrays.fill(this.json, null);
	}

	/** A vector's JSON array in the float form. */
	static byte[] toJson(byte[] float32) {
		ByteBuffer floats = ByteBuffer.wrap(float32).order(ByteOrder.LITTLE_ENDIAN);
		StringBuilder text = new StringBuilder(float32.length * 3 + 2).append('[');
		for (int at = 0; at < float32.length; at += Float.BYTES) {
			if (at > 0) {
				text.append(',');
			}
			text.append(floats.getFloat(at));
		}
		return text.append(']').toString().getBytes(StandardCharsets.US_ASCII);
	}

}
