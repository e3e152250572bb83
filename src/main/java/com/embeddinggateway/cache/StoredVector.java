package com.embeddinggateway.cache;

import org.jspecify.annotations.Nullable;

/**
 * One cached vector: little-endian float32, 4 bytes per component (the JSON of the same
 * vector takes about 12), the tokens its text counted upstream, and, once it has been
 * served in a float answer, that answer's JSON array in the {@link FloatForm}, so that
 * the next float answer copies it instead of writing every number again.
 *
 * @param float32 the components, little-endian float32
 * @param tokens the text's share of the upstream's token count
 * @param json the vector as a JSON array in the float form, or {@code null} until it has
 * been served as floats
 */
record StoredVector(byte[] float32, int tokens, byte @Nullable [] json) {

	/** Bookkeeping of one entry beyond its bytes: the record, the arrays, the map. */
	private static final int OVERHEAD = 112;

	StoredVector(byte[] float32, int tokens) {
		this(float32, tokens, null);
	}

	int dimensions() {
		return this.float32.length / Float.BYTES;
	}

	int weight() {
		return OVERHEAD + this.float32.length + ((this.json != null) ? this.json.length : 0);
	}

	/** This vector with its JSON, written now if it was not yet. */
	StoredVector withJson() {
		return (this.json != null) ? this : new StoredVector(this.float32, this.tokens, FloatForm.json(this.float32));
	}

}
