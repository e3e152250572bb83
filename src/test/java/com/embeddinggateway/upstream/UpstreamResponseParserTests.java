package com.embeddinggateway.upstream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.fail;

class UpstreamResponseParserTests {

	@Test
	void putsVectorsInTheOrderOfTheirIndexAndKeepsTheirBytes() {
		UpstreamBatch batch = parse("{\"object\":\"list\",\"data\":["
				+ "{\"object\":\"embedding\",\"index\":1,\"embedding\":[ 3.5e-3 , -0.0,1E2 ]},"
				+ "{\"embedding\":[1,2,3],\"index\":0,\"extra\":{\"nested\":[1,{}]}}],"
				+ "\"model\":\"m\",\"usage\":{\"prompt_tokens\":7,\"total_tokens\":7}}", 2);

		assertThat(batch.size()).isEqualTo(2);
		assertThat(batch.dimensions()).isEqualTo(3);
		assertThat(batch.promptTokens()).isEqualTo(7);
		assertThat(json(batch, 0)).isEqualTo("[1,2,3]");
		assertThat(json(batch, 1)).isEqualTo("[ 3.5e-3 , -0.0,1E2 ]");
		assertThat(batch.floats(1)).containsExactly(0.0035f, -0.0f, 100f);
		assertThat(Float.floatToRawIntBits(batch.floats(1)[1])).isEqualTo(Float.floatToRawIntBits(-0.0f));
	}

	@Test
	void parsesEachDecimalToTheNearestFloat() {
		UpstreamBatch batch = parse("{\"data\":[{\"embedding\":[0.1,0.30000001192092896,-1.17549435E-38,"
				+ "3.4028235e38,0.123456789012345678901234567890]}]}", 1);

		assertThat(batch.floats(0)).containsExactly(0.1f, 0.3f, -1.17549435E-38f, Float.MAX_VALUE,
				Float.parseFloat("0.123456789012345678901234567890"));
		assertThat(batch.promptTokens()).isZero();
	}

	@Test
	void readsALongVector() {
		StringBuilder body = new StringBuilder("{\"data\":[{\"index\":0,\"embedding\":[");
		for (int i = 0; i < 4096; i++) {
			body.append((i > 0) ? "," : "").append(i / 4096f);
		}
		UpstreamBatch batch = parse(body.append("]}]}").toString(), 1);

		assertThat(batch.dimensions()).isEqualTo(4096);
		assertThat(batch.floats(0)[4095]).isEqualTo(4095 / 4096f);
	}

	@Test
	void refusesAnythingIncompleteOrMalformed() {
		String[] bad = { "", "[]", "\"Invalid token\"", "{\"data\":[]}", "{\"object\":\"list\"}",
				"{\"data\":[{\"embedding\":[1]}]", "{\"data\":[{\"embedding\":[1,\"2\"]},{\"embedding\":[1,2]}]}",
				"{\"data\":[{\"embedding\":[1,2]},{\"embedding\":[1]}]}",
				"{\"data\":[{\"embedding\":[1],\"index\":0},{\"embedding\":[2],\"index\":0}]}",
				"{\"data\":[{\"embedding\":[1],\"index\":5},{\"embedding\":[2],\"index\":0}]}",
				"{\"data\":[{\"embedding\":\"AACAPw==\"},{\"embedding\":[2]}]}",
				"{\"data\":[{\"embedding\":[]},{\"embedding\":[]}]}", "{\"data\":[{\"index\":0},{\"index\":1}]}",
				"{\"data\":[{\"embedding\":[1]},{\"embedding\":[2]},{\"embedding\":[3]}]}",
				"{\"data\":[{\"embedding\":[1]},null]}", "{\"data\":[{\"embedding\":[1]},{\"embedding\":[2]}]} x",
				"{\"data\":[{\"embedding\":[1]},{\"embedding\":[2]}]",
				"{\"data\":[{\"embedding\":[1 2]},{\"embedding\":[2]}]}",
				"{\"data\":[{\"embedding\":[1,]},{\"embedding\":[2]}]}",
				"{\"data\":[{\"embedding\":[1],\"index\":-1}," + "{\"embedding\":[2]}]}",
				"{\"data\":[{\"embedding\":[1]},{\"embedding\":[2],\"x\":\"unterminated}]}" };
		for (String body : bad) {
			assertThatExceptionOfType(UpstreamFailure.BadResponse.class).as(body).isThrownBy(() -> parse(body, 2));
		}
	}

	@Test
	void refusesVectorsOfAnotherLengthThanAskedFor() {
		byte[] three = "{\"data\":[{\"embedding\":[1,2,3]},{\"embedding\":[4,5,6]}]}".getBytes(StandardCharsets.UTF_8);

		assertThat(UpstreamResponseParser.parse(three, 2, 3, "m").dimensions()).isEqualTo(3);
		assertThat(UpstreamResponseParser.parse(three, 2, 0, "m").dimensions()).as("length unknown").isEqualTo(3);
		assertThatExceptionOfType(UpstreamFailure.BadResponse.class)
			.isThrownBy(() -> UpstreamResponseParser.parse(three, 2, 4, "m"))
			.withMessageContaining("3 numbers, not the 4 asked for")
			.satisfies((failure) -> assertThat(failure.isBreakerFailure()).isTrue());
	}

	@Test
	void acceptsEveryFormOfJsonNumber() {
		UpstreamBatch batch = parse(
				"{\"data\":[{\"embedding\":[0,-0,1.5,-2.25e+2,3E-2,7e0,-0.0,12345678901234567890]}]}", 1);

		assertThat(batch.dimensions()).isEqualTo(8);
		assertThat(batch.floats(0)).containsExactly(0f, -0f, 1.5f, -225f, 0.03f, 7f, -0.0f, 1.2345679E19f);
	}

	@Test
	void refusesNumbersJsonDoesNotAllow() {
		for (String number : new String[] { "01", "1.", ".5", "+1", "1e", "1e+", "NaN", "Infinity", "-", "0x10", "1..2",
				"\"1\"", "[1]", "null", "true" }) {
			assertThatExceptionOfType(UpstreamFailure.BadResponse.class).as(number)
				.isThrownBy(() -> parse("{\"data\":[{\"embedding\":[1," + number + "]}]}", 1));
		}
	}

	@Test
	void skipsUnknownValuesOfEveryKind() {
		UpstreamBatch batch = parse(
				"{\"id\":\"a\\\"]}\",\"x\":[true,false,null,{\"k\":[[],{}]}],\"data\":[{\"note\":"
						+ "\"\\u00e9\\\\\",\"embedding\":[1]}],\"usage\":{\"prompt_tokens\":3,\"extra\":{\"a\":1}}}",
				1);

		assertThat(batch.floats(0)).containsExactly(1f);
		assertThat(batch.promptTokens()).isEqualTo(3);
	}

	@Test
	void readsVeryLongNumbersExactlyAsSent() {
		UpstreamBatch batch = parse("{\"data\":[{\"index\":0,\"embedding\":[123456789012345678.25,"
				+ "-0.000000000000000000012345,1.2345678901234567e-7,7]}]}", 1);

		assertThat(batch.floats(0)).containsExactly(123456789012345678.25f, -0.000000000000000000012345f,
				1.2345678901234567e-7f, 7f);
		assertThat(json(batch, 0))
			.isEqualTo("[123456789012345678.25,-0.000000000000000000012345,1.2345678901234567e-7,7]");
	}

	@Test
	void acceptsExactlyTheNumbersOfJsonsGrammar() {
		Pattern number = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
		String alphabet = "0123456789000000000-.eE+x ";
		SplittableRandom random = new SplittableRandom(11);
		int accepted = 0;
		for (int round = 0; round < 100_000; round++) {
			StringBuilder token = new StringBuilder();
			int length = 1 + random.nextInt(random.nextBoolean() ? 6 : 30);
			for (int i = 0; i < length; i++) {
				token.append(alphabet.charAt(random.nextInt(alphabet.length())));
			}
			if (random.nextInt(4) == 0) {
				// Mostly well-formed: a vector component, then perhaps one byte changed.
				token.setLength(0);
				token.append((random.nextBoolean() ? "-0." : "0.")).append(random.nextLong(1, Long.MAX_VALUE));
				if (random.nextBoolean()) {
					token.setCharAt(random.nextInt(token.length()), alphabet.charAt(random.nextInt(alphabet.length())));
				}
			}
			String body = "{\"data\":[{\"embedding\":[0.5," + token + ",0.25]}]}";
			String text = token.toString().strip();
			if (number.matcher(text).matches()) {
				accepted++;
				assertThat(parse(body, 1).dimensions()).as(token.toString()).isEqualTo(3);
			}
			else {
				assertThatExceptionOfType(UpstreamFailure.BadResponse.class).as(token.toString())
					.isThrownBy(() -> parse(body, 1));
			}
		}
		// The generator reaches both sides of the grammar.
		assertThat(accepted).isBetween(20_000, 80_000);
	}

	@Test
	void findsTheEndOfADigitRunForEveryByteAtEveryPlace() {
		SplittableRandom random = new SplittableRandom(7);
		for (int end = 0; end <= 24; end++) {
			for (int from = 0; from <= end; from++) {
				for (int at = from; at <= end; at++) {
					for (int value = 0; value < 256; value++) {
						// Digits past the end must not be counted; the bytes after the
						// first non-digit are anything, to stir up borrows and carries.
						byte[] b = new byte[end + 8];
						Arrays.fill(b, (byte) '7');
						for (int i = at + 1; i < end; i++) {
							b[i] = (byte) random.nextInt(256);
						}
						if (at < end) {
							b[at] = (byte) value;
						}
						int found = UpstreamResponseParser.digits(b, from, end);
						if (found != digitsOneByOne(b, from, end)) {
							fail("digits from %d to %d with byte %d at %d: %d", from, end, value, at, found);
						}
					}
				}
			}
		}
	}

	private static int digitsOneByOne(byte[] b, int p, int end) {
		while (p < end && b[p] >= '0' && b[p] <= '9') {
			p++;
		}
		return p;
	}

	private static UpstreamBatch parse(String body, int expected) {
		return UpstreamResponseParser.parse(body.getBytes(StandardCharsets.UTF_8), expected, 0, "m");
	}

	private static String json(UpstreamBatch batch, int i) {
		ByteBuffer json = batch.json(i);
		assertThat(json.remaining()).isEqualTo(batch.jsonLength(i));
		return StandardCharsets.UTF_8.decode(json).toString();
	}

}
