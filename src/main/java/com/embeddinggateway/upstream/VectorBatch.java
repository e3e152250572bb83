package com.embeddinggateway.upstream;

import java.nio.ByteBuffer;

/**
 * Vectors in the order of the inputs they answer, as the response writer reads them: each
 * one either as the JSON array of a float answer or as little-endian float32 for a base64
 * answer.
 */
public interface VectorBatch {

	int size();

	/** Number of components of every vector in this batch. */
	int dimensions();

	/** Tokens the inputs of this batch count. */
	long promptTokens();

	/** Byte length of vector {@code i} as a JSON array. */
	int jsonLength(int i);

	/** Vector {@code i} as a JSON array, a read-only view of bytes held by the batch. */
	ByteBuffer json(int i);

	/**
	 * Writes vector {@code i} into the first {@code 4 * dimensions()} bytes of
	 * {@code into} as little-endian float32.
	 */
	void writeLittleEndian(int i, byte[] into);

	/**
	 * Gives the batch's memory back for reuse once it has been copied into an answer.
	 * Nothing may read the batch afterwards; calling it again does nothing.
	 */
	default void release() {
	}

}
