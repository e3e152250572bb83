package com.embeddinggateway.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;

/**
 * The vectors the mock answers, {@value #DISTINCT} different ones per length, as
 * ready-to-copy JSON text: a JSON array of floats and a quoted base64 string of the same
 * floats. Computing them once per length keeps the mock at a memory copy per vector, so
 * it is never what a benchmark measures. They differ because real embeddings do: one
 * vector repeated for every input lets a CPU's branch predictor learn its digits, which
 * made the gateway's check of the numbers look faster than it is on varied vectors.
 */
final class MockVectors {

	/**
	 * Past SiliconFlow's largest model (4096); bounds what a caller can make us cache.
	 */
	static final int MAX_DIMENSIONS = 16384;

	/** Vectors per length: 64 x 1024 numbers are far more than a predictor can hold. */
	static final int DISTINCT = 64;

	private final ConcurrentMap<Integer, byte[][]> floats = new ConcurrentHashMap<>();

	private final ConcurrentMap<Integer, byte[][]> base64 = new ConcurrentHashMap<>();

	/**
	 * {@code [0.0123,...]}: vector {@code which} (modulo {@value #DISTINCT}) of this
	 * length.
	 */
	byte[] floatJson(int dimensions, long which) {
		return this.floats.computeIfAbsent(checked(dimensions),
				(length) -> all(length, MockVectors::floatText))[slot(which)];
	}

	/**
	 * {@code "..."}: vector {@code which} as little-endian float32, standard base64, in
	 * quotes.
	 */
	byte[] base64Json(int dimensions, long which) {
		return this.base64.computeIfAbsent(checked(dimensions),
				(length) -> all(length, MockVectors::base64Text))[slot(which)];
	}

	private static int slot(long which) {
		return (int) Math.floorMod(which, (long) DISTINCT);
	}

	private static byte[][] all(int dimensions, BiFunction<Integer, Integer, byte[]> text) {
		byte[][] texts = new byte[DISTINCT][];
		for (int which = 0; which < DISTINCT; which++) {
			texts[which] = text.apply(dimensions, which);
		}
		return texts;
	}

	/**
	 * A fixed unit-length vector, different per length and per {@code which}, with
	 * components of realistic text length (about 11 characters each, as SiliconFlow's
	 * answers have).
	 */
	static float[] vector(int dimensions, int which) {
		SplittableRandom random = new SplittableRandom(dimensions * 1_000_003L + which);
		double[] values = new double[dimensions];
		double norm = 0;
		for (int i = 0; i < dimensions; i++) {
			values[i] = random.nextDouble(-1, 1);
			norm += values[i] * values[i];
		}
		norm = Math.sqrt(norm);
		float[] vector = new float[dimensions];
		for (int i = 0; i < dimensions; i++) {
			vector[i] = (float) (values[i] / norm);
		}
		return vector;
	}

	private static int checked(int dimensions) {
		if (dimensions < 1 || dimensions > MAX_DIMENSIONS) {
			throw new IllegalArgumentException("dimensions must be 1.." + MAX_DIMENSIONS);
		}
		return dimensions;
	}

	private static byte[] floatText(int dimensions, int which) {
		StringBuilder text = new StringBuilder(dimensions * 13).append('[');
		float[] vector = vector(dimensions, which);
		for (int i = 0; i < vector.length; i++) {
			if (i > 0) {
				text.append(',');
			}
			// Float.toString gives the shortest text that reads back as the same float,
			// so the JSON and base64 forms carry identical values.
			text.append(vector[i]);
		}
		return text.append(']').toString().getBytes(StandardCharsets.US_ASCII);
	}

	private static byte[] base64Text(int dimensions, int which) {
		float[] vector = vector(dimensions, which);
		ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
		for (float value : vector) {
			bytes.putFloat(value);
		}
		return ('"' + Base64.getEncoder().encodeToString(bytes.array()) + '"').getBytes(StandardCharsets.US_ASCII);
	}

}
