package com.embeddinggateway.shedding;

/**
 * The gateway is past what it can serve: the request was refused without parsing its
 * body, and the caller should retry shortly, as it would after any 503.
 */
public class GatewayOverloadedException extends RuntimeException {

	GatewayOverloadedException() {
		super("The gateway is at capacity and refused this request without processing it. Retry after the retry-after delay.",
				null, false, false);
	}

}
