package com.embeddinggateway.upstream;

import reactor.core.publisher.Mono;

/**
 * Something that turns one batch of texts into vectors: the HTTP client for
 * OpenAI-compatible providers, or a model running in-process. One call, no retries: those
 * are layered on top.
 */
public interface EmbeddingUpstream {

	/**
	 * The vectors of {@code call}'s inputs in order, or an {@link UpstreamFailure}.
	 */
	Mono<UpstreamBatch> embed(UpstreamCall call);

}
