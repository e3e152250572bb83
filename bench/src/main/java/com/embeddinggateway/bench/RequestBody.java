package com.embeddinggateway.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/** The embeddings request a scenario sends, built once and reused for every request. */
final class RequestBody {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private RequestBody() {
	}

	/**
	 * @param inputs how many copies of {@code text} go in {@code input}, always as an
	 * array
	 * @param dimensions sent only when above 0
	 */
	static byte[] embeddings(String model, int inputs, String text, String encodingFormat, int dimensions) {
		if (inputs < 1) {
			throw new IllegalArgumentException("inputs must be at least 1");
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("model", model);
		body.put("input", Collections.nCopies(inputs, text));
		body.put("encoding_format", encodingFormat);
		if (dimensions > 0) {
			body.put("dimensions", dimensions);
		}
		return JSON.writeValueAsBytes(body);
	}

}
