package com.embeddinggateway.api;

import org.jspecify.annotations.Nullable;

import org.springframework.web.server.ServerWebExchange;

/**
 * What the handler learned about an embeddings request, for the metrics recorded when its
 * response commits: by then the status is known, whether it succeeded or failed.
 */
final class RequestFacts {

	private static final String ATTRIBUTE = RequestFacts.class.getName();

	String tenant = "unauthenticated";

	String model = "unknown";

	int inputs;

	long tokens;

	static RequestFacts start(ServerWebExchange exchange) {
		RequestFacts facts = new RequestFacts();
		exchange.getAttributes().put(ATTRIBUTE, facts);
		return facts;
	}

	static @Nullable RequestFacts of(ServerWebExchange exchange) {
		return exchange.getAttribute(ATTRIBUTE);
	}

}
