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
 * The fast path covers decimals of up to 18 significant digits scaled by at most 10^22 up
 * or 10^44 down: every float an upstream prints, in its shortest form ({@code
 * 0.025901297}) or as the double it widens to ({@code 0.025901297479867935}, Python's
 * way). The significand and the power of ten become doubles and are multiplied or divided
 * in double precision: when the significand fits a double exactly and one operation
 * suffices, that is Clinger's correctly rounded double; otherwise the double is within a
 * few units in its last place of the decimal. Rounding that double again to a float gives
 * the float nearest to the decimal except when the double is that close to halfway
 * between two floats, where the decimal may be on the other side of it. Those numbers,
 * and every number outside the fast path, go to {@link Float#parseFloat}. Below
 * {@link Float#MIN_NORMAL}, where floats have fewer bits, the fast path reaches only
 * decimals of at most 7 digits; the tests check every one of them.
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

	/**
	 * How many units in its last place a double computed with up to three roundings may
	 * be from the decimal (each rounding adds at most half a unit, and a unit halves
	 * below a power of two): twice the worst case.
	 */
	private static final long ROUNDING_MARGIN = 8;

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
		if (digits > 18) {
			// Leading zeros do not count: only then may the significand have overflowed.
			digits = significantDigits(b, first, p);
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
		if (digits > 18 || exponent < -44 || exponent > 22) {
			value = slow(b, start, p);
		}
		else if (significand == 0) {
			value = negative ? -0.0f : 0.0f;
		}
		else {
			double nearest;
			boolean exact = significand <= MAX_EXACT;
			if (exponent >= 0) {
				nearest = significand * POWERS_OF_TEN[exponent];
			}
			else if (exponent >= -22) {
				nearest = significand / POWERS_OF_TEN[-exponent];
			}
			else {
				nearest = significand / POWERS_OF_TEN[22] / POWERS_OF_TEN[-22 - exponent];
				exact = false;
			}
			long halfway = (Double.doubleToRawLongBits(nearest) & BEYOND_FLOAT) - HALFWAY;
			if (exact ? halfway == 0 : Math.abs(halfway) <= ROUNDING_MARGIN) {
				value = slow(b, start, p);
			}
			else {
				value = (float) (negative ? -nearest : nearest);
			}
		}
		LITTLE_ENDIAN_INT.set(into, at, Float.floatToRawIntBits(value));
		return p;
	}

	/**
	 * Digits in {@code b[from, to)} from the first that is not zero, the decimal point
	 * aside.
	 */
	private static int significantDigits(byte[] b, int from, int to) {
		int p = from;
		while (p < to && (b[p] == '0' || b[p] == '.')) {
			p++;
		}
		int digits = 0;
		for (; p < to; p++) {
			digits += (b[p] >= '0' && b[p] <= '9') ? 1 : 0;
		}
		return digits;
	}

	private static float slow(byte[] b, int start, int end) {
		return Float.parseFloat(new String(b, start, end - start, StandardCharsets.ISO_8859_1));
	}

}
