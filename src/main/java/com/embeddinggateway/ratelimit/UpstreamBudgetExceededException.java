package com.embeddinggateway.ratelimit;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * An upstream call would have had to wait longer than
 * {@code gateway.rate-limit.upstream-max-wait} for its account's budget. Another
 * deployment of the model may still take it.
 */
public class UpstreamBudgetExceededException extends RateLimitExceededException {

	UpstreamBudgetExceededException(String message, boolean tokens, @Nullable Duration retryAfter) {
		super(message, tokens, retryAfter);
	}

}
