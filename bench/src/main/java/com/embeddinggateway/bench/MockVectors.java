package com.embeddinggateway.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The one vector the mock answers for every input, as ready-to-copy JSON text per length:
 * a JSON array of floats and a quoted base64 string of the same floats. Computing them
 * once per length keeps the mock at a memory copy per vector, so it is never what a
 * benchmark measures.
 */
final class MockVectors {

	/**
	 * Past SiliconFlow's largest model (4096); bounds what a caller can make us cache.
	 */
	static final int MAX_DIMENSIONS = 16384;

	private final ConcurrentMap<Integer, byte[]> floats = new ConcurrentHashMap<>();

	private final ConcurrentMap<Integer, byte[]> base64 = new ConcurrentHashMap<>();

	/** {@code [0.0123,...]} for this length. */
	byte[] floatJson(int dimensions) {
		return this.floats.computeIfAbsent(checked(dimensions), MockVectors::floatText);
	}

	/** {@code "..."}: the vector as little-endian float32, standard base64, in quotes. */
	byte[] base64Json(int dimensions) {
		return this.base64.computeIfAbsent(checked(dimensions), MockVectors::base64Text);
	}

	/**
	 * A fixed unit-length vector, different per length, with components of realistic text
	 * length (about 11 characters each, as SiliconFlow's answers have).
	 */
	static float[] vector(int dimensions) {
		SplittableRandom random = new SplittableRandom(dimensions);
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

	private static byte[] floatText(int dimensions) {
		StringBuilder text = new StringBuilder(dimensions * 13).append('[');
		float[] vector = vector(dimensions);
		for (int i = 0; i < vector.length; i++) {
			if (i > 0) {
				text.append(',');
			}
			// Float.toString gives the shortest text that reads back as the same float,
			// so
			// the JSON and base64 forms carry identical values.
			text.append(vector[i]);
		}
		return text.append(']').toString().getBytes(StandardCharsets.US_ASCII);
	}

	private static byte[] base64Text(int dimensions) {
		float[] vector = vector(dimensions);
		ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
		for (float value : vector) {
			bytes.putFloat(value);
		}
		return ('"' + Base64.getEncoder().encodeToString(bytes.array()) + '"').getBytes(StandardCharsets.US_ASCII);
	}

}
