package com.embeddinggateway.api;

import com.embeddinggateway.api.MemoryBudget.Reservation;
import org.jspecify.annotations.Nullable;

import org.springframework.web.server.ServerWebExchange;

/**
 * What the handler learned about an embeddings request, for the metrics and the access
 * log line recorded when its response commits (by then the status is known, whether it
 * succeeded or failed), and the memory it holds, given back when its exchange ends.
 */
final class RequestFacts {

	private static final String ATTRIBUTE = RequestFacts.class.getName();

	String tenant = "unauthenticated";

	String model = "unknown";

	int inputs;

	long tokens;

	/** The error envelope's code (else its type) when the request failed. */
	@Nullable String errorCode;

	final Reservation memory;

	private RequestFacts(Reservation memory) {
		this.memory = memory;
	}

	static RequestFacts start(ServerWebExchange exchange, Reservation memory) {
		RequestFacts facts = new RequestFacts(memory);
		exchange.getAttributes().put(ATTRIBUTE, facts);
		return facts;
	}

	static @Nullable RequestFacts of(ServerWebExchange exchange) {
		return exchange.getAttribute(ATTRIBUTE);
	}

}
