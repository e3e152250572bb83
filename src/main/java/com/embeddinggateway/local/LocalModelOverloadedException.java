package com.embeddinggateway.local;

import java.time.Duration;

/**
 * Every local-model worker is busy and the queue of waiting batches is full. Refusing at
 * once keeps latency bounded; the caller should come back after {@link #retryAfter()}.
 */
public class LocalModelOverloadedException extends RuntimeException {

	private final Duration retryAfter;

	LocalModelOverloadedException(String message, Duration retryAfter) {
		super(message, null, false, false);
		this.retryAfter = retryAfter;
	}

	/** How long the caller should wait before trying again. */
	public Duration retryAfter() {
		return this.retryAfter;
	}

}
