package com.embeddinggateway.resilience;

import java.time.Duration;

/** Every deployment of the model has its breaker open: failing fast, no upstream call. */
public class CircuitOpenException extends RuntimeException {

	private final Duration retryAfter;

	CircuitOpenException(String message, Duration retryAfter) {
		super(message, null, false, false);
		this.retryAfter = retryAfter;
	}

	/** Time until the breaker lets a probe through. */
	public Duration retryAfter() {
		return this.retryAfter;
	}

}
