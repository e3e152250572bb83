package com.embeddinggateway.api;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.embeddinggateway.catalog.InvalidInputException;
import com.sun.management.ThreadMXBean;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EmbeddingsRequestTests {

	static final JsonMapper json = JsonMapper.builder().build();

	@Test
	void readsEveryField() {
		EmbeddingsRequest request = parse(
				"{\"model\":\"bge-m3\",\"input\":[\"a\",\"b\"],\"encoding_format\":\"base64\",\"dimensions\":256,\"user\":\"u\"}");

		assertThat(request).isEqualTo(new EmbeddingsRequest("bge-m3", List.of("a", "b"), true, 256));
	}

	@Test
	void defaultsToFloatWithoutDimensions() {
		assertThat(parse("{\"model\":\"m\",\"input\":\"a\",\"dimensions\":null}"))
			.isEqualTo(new EmbeddingsRequest("m", List.of("a"), false, null));
	}

	@Test
	void namesTheFieldAtFault() {
		assertParam("{\"model\":\"\",\"input\":\"a\"}", "model");
		assertParam("{\"model\":\"m\",\"input\":7}", "input");
		assertParam("{\"model\":\"m\",\"input\":[\"a\",[\"b\"]]}", "input");
		assertParam("{\"model\":\"m\",\"input\":\"a\",\"encoding_format\":\"FLOAT\"}", "encoding_format");
		assertParam("{\"model\":\"m\",\"input\":\"a\",\"dimensions\":1.5}", "dimensions");
		assertParam("{\"model\":\"m\",\"input\":\"a\",\"dimensions\":0}", "dimensions");
		assertParam("{\"model\":\"m\",\"input\":\"a\",\"dimensions\":99999999999}", "dimensions");
	}

	@Test
	void tellsLangChainUsersHowToSendText() {
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> parse("{\"model\":\"m\",\"input\":[[9906,1917]]}"))
			.withMessage(EmbeddingsRequest.TOKEN_IDS_MESSAGE);
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> parse("{\"model\":\"m\",\"input\":[9906,1917]}"))
			.withMessage(EmbeddingsRequest.TOKEN_IDS_MESSAGE);
	}

	@Test
	void stopsAtTheFirstItemThatIsNotAString() {
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> parse("{\"model\":\"m\",\"input\":[\"a\",{\"b\":[1]},7,\"c\"]}"))
			.withMessage("'input' must be a string or an array of strings; the item at index 1 is not a string.");
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> parse("{\"model\":\"m\",\"input\":[\"a\",[1,\"b\"]]}"))
			.withMessage("'input' must be a string or an array of strings; the item at index 1 is not a string.");
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> parse("{\"model\":\"m\",\"input\":[\"a\",7,{}]}"))
			.withMessage(EmbeddingsRequest.TOKEN_IDS_MESSAGE);
	}

	@Test
	void countsEveryItemOfAnInputOverTheLimit() {
		String inputs = "7," + "\"x\",".repeat(2099) + "[1]";

		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> parse("{\"model\":\"m\",\"input\":[" + inputs + "]}"))
			.withMessage("'input' has 2101 items; at most 2048 inputs are allowed per request.");
	}

	@Test
	void namesTheSameFaultWhateverOrderTheFieldsComeIn() {
		assertParam("{\"input\":[1],\"dimensions\":0,\"model\":\"\"}", "model");
		assertParam("{\"dimensions\":0,\"encoding_format\":7,\"input\":{},\"model\":\"m\"}", "input");
		assertParam("{\"dimensions\":0,\"encoding_format\":[\"base64\"],\"input\":\"a\",\"model\":\"m\"}",
				"encoding_format");
	}

	@Test
	void readsAFieldGivenTwiceAsItsLastValue() {
		assertThat(parse("{\"model\":\"a\",\"input\":[1],\"model\":\"b\",\"input\":[\"x\"],\"dimensions\":0,"
				+ "\"dimensions\":null}"))
			.isEqualTo(new EmbeddingsRequest("b", List.of("x"), false, null));
	}

	@Test
	void refusesAnythingAfterTheObjectAndBodiesThatAreNoObject() {
		for (String body : List.of("{\"model\":\"m\",\"input\":\"a\"} x", "{\"model\":\"m\",\"input\":\"a\"}{}",
				"{\"model\":\"m\",\"input\":\"a\"", "[1,2]", "\"a\"", " ")) {
			assertThatExceptionOfType(InvalidInputException.class).as(body)
				.isThrownBy(() -> parse(body))
				.satisfies((error) -> assertThat(error.param()).isNull());
		}
	}

	@Test
	void refusesNestingDeeperThanJacksonsLimitAsUnparseable() {
		int depth = 100_000;
		String body = "{\"model\":\"m\",\"input\":\"a\",\"user\":" + "[".repeat(depth) + "]".repeat(depth) + "}";

		assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> parse(body))
			.withMessageStartingWith("We could not parse the JSON body")
			.satisfies((error) -> assertThat(error.param()).isNull());
	}

	@Test
	void skipsUnknownFieldsWithoutBuildingTheirValues() {
		String[] bombs = { "{}", "[[[[[[[[[[]]]]]]]]]]", "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{}}}}}}" };
		for (String bomb : bombs) {
			byte[] body = bomb(bomb, 15 * 1024 * 1024);
			ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();

			long before = threads.getCurrentThreadAllocatedBytes();
			EmbeddingsRequest request = EmbeddingsRequest.parse(body, json);
			long allocated = threads.getCurrentThreadAllocatedBytes() - before;

			assertThat(request).isEqualTo(new EmbeddingsRequest("BAAI/bge-m3", List.of("x"), false, null));
			// A tree of these values holds tens of bytes per value: hundreds of MB.
			assertThat(allocated).as(bomb).isLessThan(2 * 1024 * 1024);
		}
	}

	@Test
	void boundsTheLongestStringWhateverItEscapes() {
		assertThat(EmbeddingsRequest.longestString(bytes("{\"model\":\"m\",\"input\":[\"ab\",\"abcdef\"]}")))
			.isEqualTo(7);
		assertThat(EmbeddingsRequest.longestString(bytes("{\"input\":\"a\\\"b\\\"c\\\"d\"}"))).isEqualTo(11);
		assertThat(EmbeddingsRequest.longestString(bytes("{\"input\":\"a\\\\\",\"b\":[1,2,3,4,5,6,7]}")))
			.isGreaterThanOrEqualTo(4);
	}

	/** A request whose {@code user} field is an array of {@code value} repeated. */
	static byte[] bomb(String value, int size) {
		StringBuilder body = new StringBuilder(size + 100)
			.append("{\"model\":\"BAAI/bge-m3\",\"input\":\"x\",\"user\":[");
		body.append(value);
		while (body.length() < size) {
			body.append(',').append(value);
		}
		return body.append("]}").toString().getBytes(StandardCharsets.US_ASCII);
	}

	private static void assertParam(String body, String param) {
		assertThatExceptionOfType(InvalidInputException.class).as(body)
			.isThrownBy(() -> parse(body))
			.satisfies((error) -> assertThat(error.param()).isEqualTo(param));
	}

	private static EmbeddingsRequest parse(String body) {
		return EmbeddingsRequest.parse(bytes(body), json);
	}

	private static byte[] bytes(String body) {
		return body.getBytes(StandardCharsets.UTF_8);
	}

}
