package com.embeddinggateway.catalog;

import java.util.List;

/**
 * What the gateway knows about one model.
 *
 * @param name the catalog name callers use
 * @param deployments where it is served, in order of preference (at least one)
 * @param maxBatchSize most inputs sent in one upstream call
 * @param maxInputTokens the model's per-input token limit, 0 when unknown
 * @param dimensions native vector length, 0 when unknown
 * @param allowedDimensions values accepted for {@code dimensions}; empty means the
 * parameter is not supported and never forwarded
 * @param aliases other names callers may use
 */
public record ModelSpec(String name, List<Deployment> deployments, int maxBatchSize, int maxInputTokens, int dimensions,
		List<Integer> allowedDimensions, List<String> aliases) {

	public ModelSpec {
		if (deployments.isEmpty()) {
			throw new IllegalArgumentException("Model " + name + " needs at least one deployment");
		}
		deployments = List.copyOf(deployments);
		allowedDimensions = List.copyOf(allowedDimensions);
		aliases = List.copyOf(aliases);
	}

	/** The preferred deployment. */
	public Deployment primary() {
		return this.deployments.get(0);
	}

	public boolean supportsDimensions() {
		return !this.allowedDimensions.isEmpty();
	}

}
