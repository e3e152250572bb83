package com.embeddinggateway.upstream;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JsonFloatTests {

	@Test
	void readsEveryShapeOfJsonNumber() {
		String[] numbers = { "0", "-0", "-0.0", "-0e5", "-0.000E-7", "0e99999", "1", "-1", "7", "0.1", "-0.012345678",
				"1e5", "1E5", "1e+5", "1.5e-7", "-2.5E-3", "123456789012", "0.30000001192092896", "3.4028235e38",
				"3.4028236e38", "1e39", "-1e39", "1.17549435E-38", "1.4e-45", "7e-46", "1e-50", "123456789012345678.25",
				"0.123456789012345678901234567890", "-0.000000000000000000012345", "1.2345678901234567e-7",
				"9007199254740993", "9999999999999999999", "99999999999999999999", "0.0000000000000000000000001234",
				"1e22", "1e23", "1e-22", "1e-23", "4.5e15", "16777217", "16777216.000000001",
				"1000000000000000000000e-21" };
		for (String number : numbers) {
			assertSameAsJava(number);
		}
	}

	@Test
	void keepsTheSignOfZero() {
		assertThat(Float.floatToRawIntBits(parse("-0"))).isEqualTo(Float.floatToRawIntBits(-0.0f));
		assertThat(Float.floatToRawIntBits(parse("-0.0e-3"))).isEqualTo(Float.floatToRawIntBits(-0.0f));
		assertThat(Float.floatToRawIntBits(parse("0.0"))).isZero();
	}

	@Test
	void roundsDecimalsNextToHalfwayBetweenTwoFloatsTheWayJavaDoes() {
		// A double exactly halfway between two floats is where rounding twice (decimal to
		// double, then double to float) can go the wrong way; the decimals printed for
		// that double and its neighbours sit on both sides of it.
		SplittableRandom random = new SplittableRandom(20261124);
		for (int i = 0; i < 20_000; i++) {
			float below = Float.intBitsToFloat(random.nextInt(0x0080_0000, 0x7F00_0000));
			double halfway = ((double) below + (double) Math.nextUp(below)) / 2;
			for (double value : new double[] { halfway, Math.nextUp(halfway), Math.nextDown(halfway) }) {
				assertSameAsJava(Double.toString(value));
				assertSameAsJava(new BigDecimal(value).toPlainString());
				for (int digits = 15; digits <= 19; digits++) {
					BigDecimal near = new BigDecimal(value).round(new MathContext(digits));
					assertSameAsJava("-" + near);
					assertSameAsJava(near.add(near.ulp()).toString());
					assertSameAsJava(near.subtract(near.ulp()).toString());
				}
			}
		}
	}

	@Test
	void readsEveryDecimalBelowTheSmallestNormalFloatThatItDoesNotHandToJava() {
		// Scaled by at most 10^-44, a decimal under Float.MIN_NORMAL has at most 7
		// digits.
		for (int exponent = -44; exponent <= -38; exponent++) {
			long largest = BigDecimal.valueOf(Float.MIN_NORMAL).scaleByPowerOfTen(-exponent).longValue();
			for (long significand = 1; significand <= largest; significand++) {
				assertSameAsJava(significand + "e" + exponent);
			}
		}
	}

	@Test
	void readsRandomDecimalsOfEveryLengthAndScaleTheWayJavaDoes() {
		SplittableRandom random = new SplittableRandom(42);
		for (int i = 0; i < 200_000; i++) {
			StringBuilder number = new StringBuilder(random.nextBoolean() ? "-" : "");
			number.append(random.nextInt(0, 10));
			if (number.charAt(number.length() - 1) != '0') {
				for (int digits = random.nextInt(0, 12); digits > 0; digits--) {
					number.append(random.nextInt(0, 10));
				}
			}
			if (random.nextBoolean()) {
				number.append('.');
				for (int digits = random.nextInt(1, 30); digits > 0; digits--) {
					number.append(random.nextInt(0, 10));
				}
			}
			if (random.nextInt(4) == 0) {
				number.append(random.nextBoolean() ? 'e' : 'E')
					.append(random.nextBoolean() ? "-" : (random.nextBoolean() ? "+" : ""))
					.append(random.nextInt(0, 60));
			}
			assertSameAsJava(number.toString());
		}
	}

	@Test
	void readsWhatAFloatPrintsBackToThatFloat() {
		SplittableRandom random = new SplittableRandom(7);
		for (int i = 0; i < 200_000; i++) {
			float value = Float.intBitsToFloat(random.nextInt());
			if (Float.isFinite(value)) {
				// Shortest form, and the double it widens to as Python prints it.
				assertThat(parse(Float.toString(value))).isEqualTo(value);
				assertThat(parse(Double.toString(value))).isEqualTo(value);
				assertSameAsJava(new BigDecimal(value).round(new MathContext(17)).toString());
			}
		}
	}

	@Test
	void readsANumberUpToTheByteThatEndsIt() {
		byte[] body = "[12.5e-1,-3 ,4E+1]".getBytes(StandardCharsets.US_ASCII);
		byte[] floats = new byte[12];

		assertThat(JsonFloat.read(body, 1, 17, floats, 0)).isEqualTo(8);
		assertThat(JsonFloat.read(body, 9, 17, floats, 4)).isEqualTo(11);
		assertThat(JsonFloat.read(body, 13, 17, floats, 8)).isEqualTo(17);
		assertThat(littleEndian(floats, 0)).isEqualTo(1.25f);
		assertThat(littleEndian(floats, 4)).isEqualTo(-3f);
		assertThat(littleEndian(floats, 8)).isEqualTo(40f);
	}

	@Test
	void writesLittleEndianFloat32() {
		byte[] bytes = "-2.5".getBytes(StandardCharsets.US_ASCII);
		byte[] floats = new byte[4];

		JsonFloat.read(bytes, 0, bytes.length, floats, 0);

		// -2.5f is 0xC0200000, least significant byte first.
		assertThat(floats).containsExactly(0x00, 0x00, 0x20, 0xC0);
	}

	private static void assertSameAsJava(String number) {
		assertThat(Float.floatToRawIntBits(parse(number))).as(number)
			.isEqualTo(Float.floatToRawIntBits(Float.parseFloat(number)));
	}

	private static float parse(String number) {
		byte[] bytes = number.getBytes(StandardCharsets.US_ASCII);
		byte[] floats = new byte[4];
		assertThat(JsonFloat.read(bytes, 0, bytes.length, floats, 0)).as(number).isEqualTo(bytes.length);
		return littleEndian(floats, 0);
	}

	private static float littleEndian(byte[] bytes, int at) {
		return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getFloat(at);
	}

}
