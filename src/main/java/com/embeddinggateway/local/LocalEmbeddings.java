package com.embeddinggateway.local;

import java.util.List;

/**
 * The vectors of one call to a local model.
 *
 * @param vectors one L2-normalised vector per input, in input order
 * @param promptTokens tokens the model read over all inputs, [CLS] and [SEP] included:
 * OpenAI-style usage counts what the model processed, and the same count is what the
 * 512-token limit applies to
 */
public record LocalEmbeddings(List<float[]> vectors, long promptTokens) {

	public LocalEmbeddings {
		vectors = List.copyOf(vectors);
	}

}
