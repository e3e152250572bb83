package com.embeddinggateway.api;

/** The declared {@code Content-Length} is over the limit; the body is not read. */
class RequestTooLargeException extends RuntimeException {

	RequestTooLargeException() {
		super("request body too large", null, false, false);
	}

}
