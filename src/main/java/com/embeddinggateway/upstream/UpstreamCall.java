package com.embeddinggateway.upstream;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One call to an upstream's embeddings endpoint.
 *
 * @param upstream id of the upstream in {@code gateway.upstreams}
 * @param model the model's name at that upstream
 * @param inputs the texts, in order
 * @param dimensions forwarded only when set (only models that accept it get it)
 * @param vectorLength the length every vector of the answer must have: the requested
 * {@code dimensions}, else the model's native length; 0 when unknown
 * @param apiKey the tenant's own upstream key, or {@link ApiKey#none()} for the
 * upstream's
 * @param requestId the caller's request id, forwarded and logged with the upstream's
 * trace id
 */
public record UpstreamCall(String upstream, String model, List<String> inputs, @Nullable Integer dimensions,
		int vectorLength, ApiKey apiKey, String requestId) {

	/** The same call to another deployment of the model. */
	public UpstreamCall at(String otherUpstream, String otherModel) {
		return new UpstreamCall(otherUpstream, otherModel, this.inputs, this.dimensions, this.vectorLength, this.apiKey,
				this.requestId);
	}

	/** The same call for a slice of the inputs. */
	public UpstreamCall withInputs(List<String> slice) {
		return new UpstreamCall(this.upstream, this.model, slice, this.dimensions, this.vectorLength, this.apiKey,
				this.requestId);
	}

}
