package com.embeddinggateway.api;

import java.util.ArrayList;
import java.util.List;

import com.embeddinggateway.catalog.InputRules;
import com.embeddinggateway.catalog.InvalidInputException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
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

	static EmbeddingsRequest parse(byte[] body, JsonMapper json) {
		JsonNode root;
		try {
			root = json.readTree(body);
		}
		catch (JacksonException ex) {
			throw new InvalidInputException(null, "We could not parse the JSON body of your request. "
					+ "The body must be a JSON object such as {\"model\": \"BAAI/bge-m3\", \"input\": \"text\"}.");
		}
		if (root == null || !root.isObject()) {
			throw new InvalidInputException(null,
					"The request body must be a JSON object with 'model' and 'input' fields.");
		}
		return new EmbeddingsRequest(model(root.get("model")), inputs(root.get("input")),
				base64(root.get("encoding_format")), dimensions(root.get("dimensions")));
	}

	private static String model(@Nullable JsonNode node) {
		if (absent(node)) {
			throw new InvalidInputException("model", "You must provide a model parameter.");
		}
		if (!node.isString() || node.stringValue().isBlank()) {
			throw new InvalidInputException("model", "'model' must be a non-empty string.");
		}
		return node.stringValue();
	}

	private static List<String> inputs(@Nullable JsonNode node) {
		if (absent(node)) {
			throw new InvalidInputException("input", "You must provide an 'input' parameter.");
		}
		if (node.isString()) {
			return List.of(node.stringValue());
		}
		if (!node.isArray()) {
			throw new InvalidInputException("input", "'input' must be a string or an array of strings.");
		}
		if (node.isEmpty()) {
			throw new InvalidInputException("input", "'input' must not be an empty array.");
		}
		if (node.size() > InputRules.MAX_INPUTS) {
			throw new InvalidInputException("input", "'input' has " + node.size() + " items; at most "
					+ InputRules.MAX_INPUTS + " inputs are allowed per request.");
		}
		List<String> texts = new ArrayList<>(node.size());
		for (int i = 0; i < node.size(); i++) {
			JsonNode item = node.get(i);
			if (item.isString()) {
				texts.add(item.stringValue());
			}
			else if (item.isIntegralNumber() || (item.isArray() && isTokenArray(item))) {
				throw new InvalidInputException("input", TOKEN_IDS_MESSAGE);
			}
			else {
				throw new InvalidInputException("input",
						"'input' must be a string or an array of strings; the item at index " + i
								+ " is not a string.");
			}
		}
		return texts;
	}

	private static boolean isTokenArray(JsonNode array) {
		for (JsonNode item : array) {
			if (!item.isIntegralNumber()) {
				return false;
			}
		}
		return true;
	}

	private static boolean base64(@Nullable JsonNode node) {
		if (absent(node)) {
			return false;
		}
		if (node.isString() && "float".equals(node.stringValue())) {
			return false;
		}
		if (node.isString() && "base64".equals(node.stringValue())) {
			return true;
		}
		throw new InvalidInputException("encoding_format", "'encoding_format' must be 'float' or 'base64'.");
	}

	private static @Nullable Integer dimensions(@Nullable JsonNode node) {
		if (absent(node)) {
			return null;
		}
		if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 1) {
			throw new InvalidInputException("dimensions", "'dimensions' must be a positive integer.");
		}
		return node.intValue();
	}

	private static boolean absent(@Nullable JsonNode node) {
		return node == null || node.isNull();
	}

}
