package com.embeddinggateway.ratelimit;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A limit refused the request: the tenant's own, or the upstream account's budget. The
 * caller gets 429 {@code rate_limit_exceeded} of type {@code requests} or {@code tokens}.
 */
public class RateLimitExceededException extends RuntimeException {

	private final boolean tokens;

	private final @Nullable Duration retryAfter;

	RateLimitExceededException(String message, boolean tokens, @Nullable Duration retryAfter) {
		super(message, null, false, false);
		this.tokens = tokens;
		this.retryAfter = retryAfter;
	}

	/** Whether a tokens limit refused it (type {@code tokens}), else a requests one. */
	public boolean tokens() {
		return this.tokens;
	}

	/**
	 * When a retry would be admitted; {@code null} when not within a minute (a spent day
	 * or month budget, a request larger than a whole minute's limit), which also means
	 * {@code x-should-retry: false}.
	 */
	public @Nullable Duration retryAfter() {
		return this.retryAfter;
	}

}
