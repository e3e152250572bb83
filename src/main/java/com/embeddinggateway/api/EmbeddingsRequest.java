package com.embeddinggateway.api;

import java.util.ArrayList;
import java.util.List;

import com.embeddinggateway.catalog.InputRules;
import com.embeddinggateway.catalog.InvalidInputException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * An OpenAI embeddings request after its shape is checked. Unknown fields are ignored, as
 * OpenAI clients send extras; {@code user} is accepted and not forwarded.
 *
 * @param model the model as the caller named it
 * @param inputs the texts, one or more
 * @param base64 whether the caller asked for {@code encoding_format: base64}
 * @param dimensions the requested vector length, when given
 */
record EmbeddingsRequest(String model, List<String> inputs, boolean base64, @Nullable Integer dimensions) {

	/**
	 * LangChain's {@code OpenAIEmbeddings} tokenizes texts and sends token ids unless
	 * told not to; the upstream accepts only text.
	 */
	static final String TOKEN_IDS_MESSAGE = "'input' holds token ids, but this gateway embeds text only. "
			+ "Send the texts as strings. In LangChain use OpenAIEmbeddings(..., check_embedding_ctx_length=False); "
			+ "in LlamaIndex and other clients, disable client-side tokenization.";

	/**
	 * Reads the body token by token: the four known fields are read as they come, every
	 * other field is skipped without building anything, and {@code input} keeps only its
	 * strings. A tree of the whole body would cost tens of bytes per JSON value, so a
	 * caller could turn a 15 MB body of {@code {}} into hundreds of MB of heap. Nesting
	 * deeper than Jackson's {@code StreamReadConstraints} allow (500 levels) fails as
	 * unparseable. A field given twice counts as given last, as a tree would read it.
	 * Faults are reported in a fixed order (JSON, model, input, encoding_format,
	 * dimensions) once the whole body is read, whatever order the fields come in.
	 */
	static EmbeddingsRequest parse(byte[] body, JsonMapper json) {
		Fields fields = new Fields();
		try (JsonParser parser = json.createParser(body)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				// Whatever else the body holds, the caller's mistake is its shape; read
				// on only to tell unparseable bodies apart, as a tree would.
				skipToEnd(parser);
				throw new InvalidInputException(null,
						"The request body must be a JSON object with 'model' and 'input' fields.");
			}
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				parser.nextToken();
				switch (name) {
					case "model" -> fields.model = scalar(parser);
					case "input" -> fields.input = Input.read(parser);
					case "encoding_format" -> fields.encodingFormat = scalar(parser);
					case "dimensions" -> fields.dimensions = dimensions(parser);
					default -> parser.skipChildren();
				}
			}
			if (parser.nextToken() != null) {
				throw new InvalidInputException(null, unparseable());
			}
		}
		catch (JacksonException ex) {
			throw new InvalidInputException(null, unparseable());
		}
		return new EmbeddingsRequest(model(fields.model), fields.inputs(), base64(fields.encodingFormat),
				fields.dimensions());
	}

	/**
	 * At least the UTF-8 length of the longest string in {@code body}: the longest run
	 * between two quotes that no backslash escapes. Anything else between quotes, or an
	 * escaped backslash before a quote, only makes the run longer.
	 */
	static int longestString(byte[] body) {
		int longest = 0;
		int start = 0;
		byte previous = 0;
		for (int i = 0; i < body.length; i++) {
			byte current = body[i];
			if (current == '"' && previous != '\\') {
				longest = Math.max(longest, i - start);
				start = i;
			}
			previous = current;
		}
		return Math.max(longest, body.length - start);
	}

	private static String unparseable() {
		return "We could not parse the JSON body of your request. "
				+ "The body must be a JSON object such as {\"model\": \"BAAI/bge-m3\", \"input\": \"text\"}.";
	}

	private static void skipToEnd(JsonParser parser) {
		parser.skipChildren();
		while (parser.nextToken() != null) {
			parser.skipChildren();
		}
	}

	/**
	 * A string field's value: the string, {@link Absent} for {@code null}, or
	 * {@link WrongType} for anything else (skipped).
	 */
	private static Object scalar(JsonParser parser) {
		if (parser.currentToken() == JsonToken.VALUE_STRING) {
			return parser.getString();
		}
		if (parser.currentToken() == JsonToken.VALUE_NULL) {
			return Absent.INSTANCE;
		}
		parser.skipChildren();
		return WrongType.INSTANCE;
	}

	private static Object dimensions(JsonParser parser) {
		if (parser.currentToken() == JsonToken.VALUE_NULL) {
			return Absent.INSTANCE;
		}
		if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT
				&& parser.getNumberType() == JsonParser.NumberType.INT) {
			return parser.getIntValue();
		}
		parser.skipChildren();
		return WrongType.INSTANCE;
	}

	private static String model(@Nullable Object value) {
		if (value == null || value == Absent.INSTANCE) {
			throw new InvalidInputException("model", "You must provide a model parameter.");
		}
		if (!(value instanceof String model) || model.isBlank()) {
			throw new InvalidInputException("model", "'model' must be a non-empty string.");
		}
		return model;
	}

	private static boolean base64(@Nullable Object value) {
		if (value == null || value == Absent.INSTANCE || "float".equals(value)) {
			return false;
		}
		if ("base64".equals(value)) {
			return true;
		}
		throw new InvalidInputException("encoding_format", "'encoding_format' must be 'float' or 'base64'.");
	}

	/** The fields read so far; each check waits until the whole body is read. */
	private static final class Fields {

		@Nullable Object model;

		@Nullable Input input;

		@Nullable Object encodingFormat;

		@Nullable Object dimensions;

		List<String> inputs() {
			if (this.input == null) {
				throw new InvalidInputException("input", "You must provide an 'input' parameter.");
			}
			return this.input.texts();
		}

		@Nullable Integer dimensions() {
			if (this.dimensions == null || this.dimensions == Absent.INSTANCE) {
				return null;
			}
			if (!(this.dimensions instanceof Integer value) || value < 1) {
				throw new InvalidInputException("dimensions", "'dimensions' must be a positive integer.");
			}
			return value;
		}

	}

	/**
	 * The {@code input} field: its texts, or the fault found in it. Reading stops keeping
	 * texts at the first item that is not a string or at item 2049; the rest of the array
	 * is only counted, so the fault's message can say how many items it held.
	 */
	private record Input(List<String> texts, @Nullable InvalidInputException fault) {

		@Override
		public List<String> texts() {
			if (this.fault != null) {
				throw this.fault;
			}
			return this.texts;
		}

		static @Nullable Input read(JsonParser parser) {
			JsonToken token = parser.currentToken();
			if (token == JsonToken.VALUE_STRING) {
				return new Input(List.of(parser.getString()), null);
			}
			if (token == JsonToken.VALUE_NULL) {
				return null;
			}
			if (token != JsonToken.START_ARRAY) {
				parser.skipChildren();
				return failed("'input' must be a string or an array of strings.");
			}
			List<String> texts = new ArrayList<>();
			int index = 0;
			for (token = parser.nextToken(); !endOfArray(token); token = parser.nextToken(), index++) {
				if (token == JsonToken.VALUE_STRING && index < InputRules.MAX_INPUTS) {
					texts.add(parser.getString());
					continue;
				}
				boolean tokenIds = token == JsonToken.VALUE_NUMBER_INT
						|| (token == JsonToken.START_ARRAY && isTokenArray(parser));
				parser.skipChildren();
				int items = index + 1 + skipRest(parser);
				if (items > InputRules.MAX_INPUTS) {
					return failed("'input' has " + items + " items; at most " + InputRules.MAX_INPUTS
							+ " inputs are allowed per request.");
				}
				return failed(tokenIds ? TOKEN_IDS_MESSAGE
						: "'input' must be a string or an array of strings; the item at index " + index
								+ " is not a string.");
			}
			if (texts.isEmpty()) {
				return failed("'input' must not be an empty array.");
			}
			return new Input(texts, null);
		}

		/**
		 * Whether the array the parser is at holds only integers; reads up to the first
		 * item that is not one, then to the array's end.
		 */
		private static boolean isTokenArray(JsonParser parser) {
			for (JsonToken token = parser.nextToken(); !endOfArray(token); token = parser.nextToken()) {
				if (token != JsonToken.VALUE_NUMBER_INT) {
					parser.skipChildren();
					skipRest(parser);
					return false;
				}
			}
			return true;
		}

		/** Skips to the end of the array the parser is in, and counts its items left. */
		private static int skipRest(JsonParser parser) {
			int items = 0;
			for (JsonToken token = parser.nextToken(); !endOfArray(token); token = parser.nextToken()) {
				parser.skipChildren();
				items++;
			}
			return items;
		}

		/**
		 * Jackson fails on an array left open at the end of the body; null is a guard.
		 */
		private static boolean endOfArray(@Nullable JsonToken token) {
			return token == JsonToken.END_ARRAY || token == null;
		}

		private static Input failed(String message) {
			return new Input(List.of(), new InvalidInputException("input", message));
		}

	}

	/** A field given as {@code null}, which counts as not given. */
	private enum Absent {

		INSTANCE

	}

	/** A field given with a value of the wrong type. */
	private enum WrongType {

		INSTANCE

	}

}
