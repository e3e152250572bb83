package com.embeddinggateway.cache;

/**
 * One cached vector: little-endian float32, 4 bytes per component (the JSON of the same
 * vector takes about 12), and the tokens its text counted upstream.
 *
 * @param float32 the components, little-endian float32
 * @param tokens the text's share of the upstream's token count
 */
record StoredVector(byte[] float32, int tokens) {

	/** Bookkeeping of one entry beyond its bytes: the record, the array, the map. */
	private static final int OVERHEAD = 96;

	int dimensions() {
		return this.float32.length / Float.BYTES;
	}

	int weight() {
		return OVERHEAD + this.float32.length;
	}

}
