package com.embeddinggateway.cache;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FloatFormTests {

	@Test
	void writesPlainDecimalsForTheMagnitudesOfEmbeddings() {
		assertThat(text(0.025901297f)).isEqualTo("0.0259012971");
		assertThat(text(-0.5f)).isEqualTo("-0.5");
		assertThat(text(0.0f)).isEqualTo("0.0");
		assertThat(text(-0.0f)).isEqualTo("-0.0");
		assertThat(text(1.0f)).isEqualTo("1.0");
		assertThat(text(100.0f)).isEqualTo("100.0");
		assertThat(text(123.45f)).isEqualTo("123.449997");
		assertThat(text(0.0001f)).isEqualTo("0.0000999999975");
		assertThat(text(0.00001f)).isEqualTo("9.99999975E-6");
	}

	@Test
	void writesTinyAndHugeMagnitudesWithAnExponent() {
		assertThat(text(1.5e-7f)).isEqualTo("1.50000005E-7");
		assertThat(text(1.0e-6f)).isEqualTo("9.99999997E-7");
		assertThat(text(Float.MIN_VALUE)).isEqualTo("1.40129846E-45");
		assertThat(text(-Float.MAX_VALUE)).isEqualTo("-3.40282347E38");
		assertThat(text(1.0e7f)).isEqualTo("1.0E7");
	}

	@Test
	void everyFloatReadsBackAsItselfFromItsForm() {
		SplittableRandom random = new SplittableRandom(17);
		byte[] out = new byte[FloatForm.MAX_LENGTH];
		for (int i = 0; i < 2_000_000; i++) {
			float value = Float.intBitsToFloat(random.nextInt());
			if (!Float.isFinite(value)) {
				continue;
			}
			int length = FloatForm.write(value, out, 0);
			String text = new String(out, 0, length, StandardCharsets.US_ASCII);
			assertThat(Float.floatToRawIntBits(Float.parseFloat(text))).as(text)
				.isEqualTo(Float.floatToRawIntBits(value));
		}
	}

	@Test
	void writesAVectorAsAJsonArray() {
		byte[] float32 = new byte[8];
		java.nio.ByteBuffer.wrap(float32).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(0.25f).putFloat(-2.0f);

		assertThat(new String(FloatForm.json(float32), StandardCharsets.US_ASCII)).isEqualTo("[0.25,-2.0]");
	}

	private static String text(float value) {
		byte[] out = new byte[FloatForm.MAX_LENGTH];
		return new String(out, 0, FloatForm.write(value, out, 0), StandardCharsets.US_ASCII);
	}

}
