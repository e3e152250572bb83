package com.embeddinggateway.cache;

import java.nio.ByteBuffer;

import com.embeddinggateway.upstream.VectorBatch;

/**
 * A request's vectors as the cache holds them, float32, in input order (an input that
 * repeats an earlier one shares its vector).
 * <p>
 * The float form ({@link FloatForm}): every component is written with the nine
 * significant digits that always read back as exactly that float32. A fresh answer with
 * the cache on is written from the same float32 values, so a float answer from the cache
 * is byte for byte the answer to the same call made fresh, and a base64 answer is the
 * same bytes either way. The upstream's own text may carry more digits (a double widened
 * from the float, Python's way): those digits are not part of the float32 the model
 * computed.
 */
final class Float32Batch implements VectorBatch {

	private final StoredVector[] vectors;

	private final ItemKey[] keys;

	private final MemoryTier memory;

	private final int dimensions;

	/**
	 * @param keys each vector's key, under which the memory tier keeps its JSON once
	 * written
	 */
	Float32Batch(StoredVector[] vectors, ItemKey[] keys, MemoryTier memory) {
		this.vectors = vectors;
		this.keys = keys;
		this.memory = memory;
		this.dimensions = (vectors.length > 0) ? vectors[0].dimensions() : 0;
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
		StoredVector vector = this.vectors[i];
		if (vector.json() == null) {
			StoredVector written = vector.withJson();
			this.memory.replace(this.keys[i], vector, written);
			for (int j = i; j < this.vectors.length; j++) {
				if (this.vectors[j] == vector) {
					this.vectors[j] = written;
				}
			}
			vector = written;
		}
		return ByteBuffer.wrap(vector.json()).asReadOnlyBuffer();
	}

	@Override
	public void writeLittleEndian(int i, byte[] into) {
		byte[] float32 = this.vectors[i].float32();
		System.arraycopy(float32, 0, into, 0, float32.length);
	}

}
