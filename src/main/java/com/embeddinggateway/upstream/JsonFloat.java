package com.embeddinggateway.upstream;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Turns a JSON number, already checked against JSON's grammar, into the float nearest to
 * its decimal value, as {@link Float#parseFloat} does, in one pass over its bytes and
 * without building a string.
 * <p>
 * The fast path is Clinger's: a decimal of at most 18 digits (leading zeros included)
 * whose significand fits a double exactly, scaled by a power of ten that also does (at
 * most 10^22), is rounded correctly to a double by one IEEE multiplication or division.
 * Rounding that double again to a float gives the float nearest to the decimal in every
 * case but one: when the double lands exactly halfway between two floats, the decimal may
 * have been just above or just below that point. That case, and every number outside the
 * fast path, goes to {@link Float#parseFloat}. Embeddings (a handful of digits around
 * zero) almost never leave the fast path.
 */
final class JsonFloat {

	private static final VarHandle LITTLE_ENDIAN_INT = MethodHandles.byteArrayViewVarHandle(int[].class,
			ByteOrder.LITTLE_ENDIAN);

	private static final double[] POWERS_OF_TEN = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
			1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };

	/** Largest significand a double holds exactly. */
	private static final long MAX_EXACT = 1L << 53;

	/** The 29 low bits a double has beyond a float's 24-bit significand. */
	private static final long BEYOND_FLOAT = (1L << 29) - 1;

	/** Those bits when the double sits exactly halfway between two floats. */
	private static final long HALFWAY = 1L << 28;

	private JsonFloat() {
	}

	/**
	 * Reads the JSON number at {@code b[p]}, which ends at the first byte that cannot
	 * continue it and at the latest at {@code end}, and writes the float nearest to it
	 * into {@code into[at, at + 4)}, little-endian.
	 * @return the position after the number
	 */
	static int read(byte[] b, int p, int end, byte[] into, int at) {
		int start = p;
		boolean negative = b[p] == '-';
		if (negative) {
			p++;
		}
		long significand = 0;
		int first = p;
		int c;
		while (p < end && (c = b[p] - '0') >= 0 && c <= 9) {
			significand = significand * 10 + c;
			p++;
		}
		int digits = p - first;
		int exponent = 0;
		if (p < end && b[p] == '.') {
			int fraction = ++p;
			while (p < end && (c = b[p] - '0') >= 0 && c <= 9) {
				significand = significand * 10 + c;
				p++;
			}
			exponent = fraction - p;
			digits += p - fraction;
		}
		if (p < end && (b[p] == 'e' || b[p] == 'E')) {
			p++;
			boolean negativeExponent = b[p] == '-';
			if (b[p] == '-' || b[p] == '+') {
				p++;
			}
			int value = 0;
			while (p < end && (c = b[p] - '0') >= 0 && c <= 9) {
				value = Math.min(value * 10 + c, 100_000);
				p++;
			}
			exponent += negativeExponent ? -value : value;
		}
		float value;
		if (significand == 0 && digits <= 18) {
			value = negative ? -0.0f : 0.0f;
		}
		else if (digits > 18 || significand > MAX_EXACT || exponent < -22 || exponent > 22) {
			// Too many digits for a long (leading zeros count too: rare in vectors).
			value = slow(b, start, p);
		}
		else {
			double exact = (exponent < 0) ? significand / POWERS_OF_TEN[-exponent]
					: significand * POWERS_OF_TEN[exponent];
			if ((Double.doubleToRawLongBits(exact) & BEYOND_FLOAT) == HALFWAY) {
				value = slow(b, start, p);
			}
			else {
				value = (float) (negative ? -exact : exact);
			}
		}
		LITTLE_ENDIAN_INT.set(into, at, Float.floatToRawIntBits(value));
		return p;
	}

	private static float slow(byte[] b, int start, int end) {
		return Float.parseFloat(new String(b, start, end - start, StandardCharsets.ISO_8859_1));
	}

}
