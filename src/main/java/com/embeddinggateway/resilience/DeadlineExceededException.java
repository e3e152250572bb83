package com.embeddinggateway.resilience;

/** The request's deadline passed before the vectors were ready. */
public class DeadlineExceededException extends RuntimeException {

	public DeadlineExceededException(String message) {
		super(message, null, false, false);
	}

}
