package com.embeddinggateway.api;

/**
 * The requests in flight already hold as much data as {@link MemoryBudget} allows: the
 * caller should retry shortly, as it would after any 503.
 */
class GatewayBusyException extends RuntimeException {

	GatewayBusyException(String message) {
		super(message, null, false, false);
	}

}
