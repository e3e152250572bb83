package com.embeddinggateway.upstream;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * How long turning an upstream's vector into little-endian float32 takes per number, for
 * the two ways upstreams print a float32: its shortest form ({@code 0.025901297}) and the
 * double it widens to, as Python prints it ({@code 0.025901297479867935}). Reports
 * {@link JsonFloat} against {@link Float#parseFloat} on the same numbers, in the same
 * run. Not a test: run it on demand (see bench/README.md).
 */
public final class JsonFloatBenchmark {

	private static final int NUMBERS = 32 * 1024;

	private static final int ROUNDS = 30;

	private static final int REPEATS = 10;

	private JsonFloatBenchmark() {
	}

	public static void main(String[] args) {
		for (String form : new String[] { "shortest", "python" }) {
			byte[] vector = vector(form.equals("python"));
			byte[] floats = new byte[NUMBERS * Float.BYTES];
			double gateway = 0;
			double java = 0;
			for (int round = 0; round < ROUNDS; round++) {
				long start = System.nanoTime();
				for (int i = 0; i < REPEATS; i++) {
					readAll(vector, floats);
				}
				long middle = System.nanoTime();
				for (int i = 0; i < REPEATS; i++) {
					parseAll(vector, floats);
				}
				long end = System.nanoTime();
				// The first half of the rounds warms the JIT up.
				if (round >= ROUNDS / 2) {
					gateway += (middle - start) / (double) (REPEATS * NUMBERS) / (ROUNDS - ROUNDS / 2);
					java += (end - middle) / (double) (REPEATS * NUMBERS) / (ROUNDS - ROUNDS / 2);
				}
			}
			System.out.printf("%-8s %5.1f bytes/number  JsonFloat %6.1f ns/number  Float.parseFloat %6.1f ns/number"
					+ "  ratio %.2f%n", form, vector.length / (double) NUMBERS, gateway, java, gateway / java);
		}
	}

	/**
	 * A JSON array of {@value #NUMBERS} float32 values around zero, as an upstream sends.
	 */
	private static byte[] vector(boolean python) {
		SplittableRandom random = new SplittableRandom(1);
		StringBuilder json = new StringBuilder("[");
		for (int i = 0; i < NUMBERS; i++) {
			float value = (float) (random.nextGaussian() * 0.03);
			json.append((i > 0) ? "," : "").append(python ? Double.toString(value) : Float.toString(value));
		}
		return json.append(']').toString().getBytes(StandardCharsets.US_ASCII);
	}

	private static void readAll(byte[] vector, byte[] floats) {
		int at = 0;
		for (int p = 1; p < vector.length - 1; p++) {
			p = JsonFloat.read(vector, p, vector.length - 1, floats, at);
			at += Float.BYTES;
		}
	}

	private static void parseAll(byte[] vector, byte[] floats) {
		int at = 0;
		int start = 1;
		for (int p = 1; p < vector.length; p++) {
			if (vector[p] == ',' || vector[p] == ']') {
				float value = Float.parseFloat(new String(vector, start, p - start, StandardCharsets.ISO_8859_1));
				int bits = Float.floatToRawIntBits(value);
				floats[at++] = (byte) bits;
				floats[at++] = (byte) (bits >>> 8);
				floats[at++] = (byte) (bits >>> 16);
				floats[at++] = (byte) (bits >>> 24);
				start = p + 1;
			}
		}
	}

}
