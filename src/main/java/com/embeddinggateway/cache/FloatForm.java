package com.embeddinggateway.cache;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The decimal form in which the gateway writes a float32 component when the cache is on,
 * for a fresh answer and a cached one alike: nine significant digits, the fewest that
 * always read back as the same float32 (a float has 24 bits: 10^8 < 2^27 steps of its
 * last place per decade, so nine digits land within half a step), trailing zeros dropped.
 * Plain notation for magnitudes from 10^-5 to below 10^7, as embeddings' components are;
 * {@code d.ddddddddE-x} outside. The digits come from the float's exact value widened to
 * a double and scaled by a power of ten in double arithmetic (within a few units of
 * 10^-16, far inside the margin nine digits leave); Java's double arithmetic is the same
 * on every JVM, so every replica writes the same bytes.
 * <p>
 * Written here, not with {@link Float#toString(float)}: on Java 17 that took about 1 µs a
 * number, 30 ms for a 32 x 1024 answer.
 */
final class FloatForm {

	private static final VarHandle LITTLE_ENDIAN_INT = MethodHandles.byteArrayViewVarHandle(int[].class,
			ByteOrder.LITTLE_ENDIAN);

	/** 10^-60 to 10^60, each the double nearest to it. */
	private static final double[] POWERS = new double[121];

	static {
		for (int i = 0; i < POWERS.length; i++) {
			POWERS[i] = Double.parseDouble("1e" + (i - 60));
		}
	}

	/** Longest form of one number: {@code -1.23456789E-45}. */
	static final int MAX_LENGTH = 16;

	private FloatForm() {
	}

	/** A vector's JSON array: its components, little-endian float32, in this form. */
	static byte[] json(byte[] float32) {
		int count = float32.length / Float.BYTES;
		byte[] out = new byte[2 + count * (MAX_LENGTH + 1)];
		int p = 0;
		out[p++] = '[';
		for (int i = 0; i < count; i++) {
			if (i > 0) {
				out[p++] = ',';
			}
			p = write(Float.intBitsToFloat((int) LITTLE_ENDIAN_INT.get(float32, i * Float.BYTES)), out, p);
		}
		out[p++] = ']';
		return java.util.Arrays.copyOf(out, p);
	}

	/**
	 * Writes {@code value}, which is finite (the upstream parser takes only JSON
	 * numbers), at {@code out[p]}.
	 * @return the position after it
	 */
	static int write(float value, byte[] out, int p) {
		if (Float.floatToRawIntBits(value) < 0) {
			out[p++] = '-';
		}
		double magnitude = Math.abs((double) value);
		if (magnitude == 0) {
			out[p++] = '0';
			out[p++] = '.';
			out[p++] = '0';
			return p;
		}
		int exponent = decimalExponent(magnitude);
		long digits = Math.round(magnitude * POWERS[60 + 8 - exponent]);
		if (digits >= 1_000_000_000L) {
			// Rounding carried into a tenth digit: 9.999999999 became 10.00000000.
			digits /= 10;
			exponent++;
		}
		int significant = 9;
		while (digits % 10 == 0 && significant > 1) {
			digits /= 10;
			significant--;
		}
		byte[] text = new byte[9];
		for (int i = significant - 1; i >= 0; i--) {
			text[i] = (byte) ('0' + digits % 10);
			digits /= 10;
		}
		if (exponent >= -5 && exponent < 7) {
			if (exponent < 0) {
				out[p++] = '0';
				out[p++] = '.';
				for (int i = -1; i > exponent; i--) {
					out[p++] = '0';
				}
				for (int i = 0; i < significant; i++) {
					out[p++] = text[i];
				}
				return p;
			}
			for (int i = 0; i <= exponent; i++) {
				out[p++] = (i < significant) ? text[i] : (byte) '0';
			}
			out[p++] = '.';
			if (significant <= exponent + 1) {
				out[p++] = '0';
			}
			for (int i = exponent + 1; i < significant; i++) {
				out[p++] = text[i];
			}
			return p;
		}
		out[p++] = text[0];
		out[p++] = '.';
		if (significant == 1) {
			out[p++] = '0';
		}
		for (int i = 1; i < significant; i++) {
			out[p++] = text[i];
		}
		out[p++] = 'E';
		if (exponent < 0) {
			out[p++] = '-';
			exponent = -exponent;
		}
		if (exponent >= 10) {
			out[p++] = (byte) ('0' + exponent / 10);
		}
		out[p++] = (byte) ('0' + exponent % 10);
		return p;
	}

	/** The {@code e} with {@code 10^e <= magnitude < 10^(e+1)}, for a float's range. */
	private static int decimalExponent(double magnitude) {
		int guess = (int) Math.floor(Math.log10(magnitude));
		if (magnitude < POWERS[60 + guess]) {
			return guess - 1;
		}
		if (magnitude >= POWERS[60 + guess + 1]) {
			return guess + 1;
		}
		return guess;
	}

}
