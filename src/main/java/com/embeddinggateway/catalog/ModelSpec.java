package com.embeddinggateway.catalog;

import java.util.List;

/**
 * What the gateway knows about one model.
 *
 * @param name the catalog name, also the model's name at its upstream
 * @param upstream id of the upstream that serves it
 * @param maxBatchSize most inputs sent in one upstream call
 * @param maxInputTokens the model's per-input token limit, 0 when unknown
 * @param dimensions native vector length, 0 when unknown
 * @param allowedDimensions values accepted for {@code dimensions}; empty means the
 * parameter is not supported and never forwarded
 * @param aliases other names callers may use
 */
public record ModelSpec(String name, String upstream, int maxBatchSize, int maxInputTokens, int dimensions,
		List<Integer> allowedDimensions, List<String> aliases) {

	public ModelSpec {
		allowedDimensions = List.copyOf(allowedDimensions);
		aliases = List.copyOf(aliases);
	}

	public boolean supportsDimensions() {
		return !this.allowedDimensions.isEmpty();
	}

}
