package com.embeddinggateway.upstream;

/** An upstream that runs inside the gateway, reached by its id instead of over HTTP. */
public interface InProcessUpstream extends EmbeddingUpstream {

	/** The id its models' deployments name as their upstream. */
	String upstreamId();

}
