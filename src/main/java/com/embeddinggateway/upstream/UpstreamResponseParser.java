package com.embeddinggateway.upstream;

import java.util.Arrays;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads an OpenAI-shaped embeddings answer without turning each component into an object:
 * it checks that every vector is an array of numbers of one length and records where each
 * array lies in the body. Anything incomplete or malformed is a
 * {@link UpstreamFailure.BadResponse}, never a partial result.
 */
final class UpstreamResponseParser {

	private static final JsonFactory JSON = new JsonFactory();

	private UpstreamResponseParser() {
	}

	static UpstreamBatch parse(byte[] body, int expected, String model) {
		try (JsonParser parser = JSON.createParser(body)) {
			return read(parser, body, expected, model);
		}
		catch (JacksonException ex) {
			throw bad(model, "is not valid JSON");
		}
	}

	private static UpstreamBatch read(JsonParser parser, byte[] body, int expected, String model) {
		if (parser.nextToken() != JsonToken.START_OBJECT) {
			throw bad(model, "is not a JSON object");
		}
		int[] starts = new int[expected];
		int[] ends = new int[expected];
		Arrays.fill(starts, -1);
		int[] dimensions = { -1 };
		long promptTokens = 0;
		boolean sawData = false;
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String name = parser.currentName();
			JsonToken value = parser.nextToken();
			if ("data".equals(name) && value == JsonToken.START_ARRAY) {
				sawData = true;
				int position = 0;
				JsonToken item;
				while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
					if (item != JsonToken.START_OBJECT || position == expected) {
						throw bad(model, "has more vectors than inputs or an item that is not an object");
					}
					readItem(parser, position++, starts, ends, dimensions, model);
				}
				if (position != expected) {
					throw bad(model, "has " + position + " vectors for " + expected + " inputs");
				}
			}
			else if ("usage".equals(name) && value == JsonToken.START_OBJECT) {
				promptTokens = readPromptTokens(parser);
			}
			else {
				parser.skipChildren();
			}
		}
		if (!sawData) {
			throw bad(model, "has no data array");
		}
		for (int start : starts) {
			if (start < 0) {
				throw bad(model, "repeats or skips a vector index");
			}
		}
		return new UpstreamBatch(body, starts, ends, Math.max(dimensions[0], 0), promptTokens);
	}

	private static void readItem(JsonParser parser, int position, int[] starts, int[] ends, int[] dimensions,
			String model) {
		int index = position;
		int start = -1;
		int end = -1;
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String name = parser.currentName();
			JsonToken value = parser.nextToken();
			if ("embedding".equals(name)) {
				if (value != JsonToken.START_ARRAY) {
					throw bad(model, "has an embedding that is not an array of numbers");
				}
				start = (int) parser.currentTokenLocation().getByteOffset();
				int count = 0;
				JsonToken token;
				while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
					if (token != JsonToken.VALUE_NUMBER_FLOAT && token != JsonToken.VALUE_NUMBER_INT) {
						throw bad(model, "has an embedding that is not an array of numbers");
					}
					count++;
				}
				end = (int) parser.currentTokenLocation().getByteOffset() + 1;
				if (count == 0 || (dimensions[0] >= 0 && count != dimensions[0])) {
					throw bad(model, "has vectors of different lengths");
				}
				dimensions[0] = count;
			}
			else if ("index".equals(name) && value == JsonToken.VALUE_NUMBER_INT) {
				index = parser.getIntValue();
			}
			else {
				parser.skipChildren();
			}
		}
		if (start < 0) {
			throw bad(model, "has an item without an embedding");
		}
		if (index < 0 || index >= starts.length || starts[index] >= 0) {
			throw bad(model, "repeats or skips a vector index");
		}
		starts[index] = start;
		ends[index] = end;
	}

	private static long readPromptTokens(JsonParser parser) {
		long prompt = 0;
		long total = 0;
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String name = parser.currentName();
			JsonToken value = parser.nextToken();
			if (value == JsonToken.VALUE_NUMBER_INT && "prompt_tokens".equals(name)) {
				prompt = parser.getLongValue();
			}
			else if (value == JsonToken.VALUE_NUMBER_INT && "total_tokens".equals(name)) {
				total = parser.getLongValue();
			}
			else {
				parser.skipChildren();
			}
		}
		return (prompt > 0) ? prompt : total;
	}

	private static UpstreamFailure.BadResponse bad(String model, String what) {
		return new UpstreamFailure.BadResponse("Upstream answer for " + model + " " + what, 200);
	}

}
