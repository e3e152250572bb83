package com.embeddinggateway.api;

/** A request with more header lines than {@code gateway.api.max-headers}. */
class TooManyHeadersException extends RuntimeException {

	TooManyHeadersException(int count, int limit) {
		super("The request has " + count + " header lines; this gateway accepts at most " + limit
				+ " (gateway.api.max-headers).", null, false, false);
	}

}
