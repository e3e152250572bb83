package com.embeddinggateway.api;

import java.time.Duration;

import com.embeddinggateway.catalog.InvalidInputException;
import com.embeddinggateway.catalog.ModelNotFoundException;
import com.embeddinggateway.ratelimit.QuotaStoreUnavailableException;
import com.embeddinggateway.ratelimit.RateLimitExceededException;
import com.embeddinggateway.resilience.CircuitOpenException;
import com.embeddinggateway.resilience.DeadlineExceededException;
import com.embeddinggateway.shedding.GatewayOverloadedException;
import com.embeddinggateway.tenancy.InvalidApiKeyException;
import com.embeddinggateway.upstream.UpstreamFailure;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.netty.channel.ChannelException;
import org.jspecify.annotations.Nullable;
import reactor.core.Exceptions;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.web.server.ResponseStatusException;

/**
 * An error as the caller sees it: status, OpenAI envelope fields and retry hints. This is
 * the one place where the gateway's failures become HTTP.
 *
 * @param status HTTP status
 * @param type OpenAI error type
 * @param code OpenAI error code, or null
 * @param param the request field at fault, or null
 * @param message what went wrong and, where it helps, what to do
 * @param retryAfter the {@code retry-after} to send, or null
 * @param shouldRetry {@code false} sends {@code x-should-retry: false}
 */
record ApiError(int status, String type, @Nullable String code, @Nullable String param, String message,
		@Nullable Duration retryAfter, boolean shouldRetry) {

	static final String INVALID_REQUEST = "invalid_request_error";

	/** {@code retry-after} stays at or under 60 s: openai-node ignores larger values. */
	static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

	static ApiError from(Throwable error, Duration defaultRetryAfter) {
		if (Exceptions.isMultiple(error) && !Exceptions.unwrapMultiple(error).isEmpty()) {
			// Fan-out parts that fail at the same moment on different event loops reach
			// the merge together, which Reactor reports as one composite: the caller gets
			// the first part's failure, as when they fail one after another.
			return from(Exceptions.unwrapMultiple(error).get(0), defaultRetryAfter);
		}
		if (error instanceof InvalidApiKeyException) {
			return new ApiError(401, INVALID_REQUEST, "invalid_api_key", null, error.getMessage(), null, false);
		}
		if (error instanceof ModelNotFoundException) {
			return new ApiError(404, INVALID_REQUEST, "model_not_found", "model", error.getMessage(), null, false);
		}
		if (error instanceof InvalidInputException invalid) {
			return new ApiError(400, INVALID_REQUEST, null, invalid.param(), error.getMessage(), null, false);
		}
		if (error instanceof DataBufferLimitException || error instanceof RequestTooLargeException) {
			return new ApiError(413, INVALID_REQUEST, "request_too_large", null,
					"The request body is larger than this gateway accepts (gateway.api.max-request-size). "
							+ "Split the inputs over several requests.",
					null, false);
		}
		if (error instanceof TooManyHeadersException) {
			return headersTooLarge(error.getMessage());
		}
		if (isRequestReadTimeout(error)) {
			return new ApiError(408, INVALID_REQUEST, "request_timeout", null,
					"The request body did not arrive in time (gateway.api.request-read-timeout).", null, true);
		}
		if (error instanceof RateLimitExceededException limited) {
			// No retry-after when a retry cannot succeed within a minute (a spent
			// budget):
			// x-should-retry: false says so instead.
			Duration wait = limited.retryAfter();
			return new ApiError(429, limited.tokens() ? "tokens" : "requests", "rate_limit_exceeded", null,
					error.getMessage(), (wait != null) ? capped(wait) : null, wait != null);
		}
		if (error instanceof QuotaStoreUnavailableException) {
			return new ApiError(503, "service_unavailable", "service_unavailable", null, error.getMessage(),
					capped(defaultRetryAfter), true);
		}
		if (error instanceof UpstreamFailure failure) {
			return fromUpstream(failure, defaultRetryAfter);
		}
		if (error instanceof CircuitOpenException open) {
			return new ApiError(503, "service_unavailable", "service_unavailable", null, error.getMessage(),
					capped(open.retryAfter()), true);
		}
		if (error instanceof GatewayBusyException || error instanceof GatewayOverloadedException) {
			return new ApiError(503, "service_unavailable", "service_unavailable", null, error.getMessage(),
					capped(defaultRetryAfter), true);
		}
		if (error instanceof DeadlineExceededException) {
			return new ApiError(504, "timeout", "timeout", null, error.getMessage(), null, true);
		}
		if (error instanceof ResponseStatusException status) {
			int code = status.getStatusCode().value();
			return new ApiError(code, (code >= 500) ? "server_error" : INVALID_REQUEST, null, null,
					(status.getReason() != null) ? status.getReason() : "HTTP " + code, null, code < 500);
		}
		return new ApiError(500, "server_error", null, null,
				"The gateway failed to process the request. Retry it; if the problem persists, report the x-request-id.",
				null, true);
	}

	/** 431: a request's headers are too many or too large. */
	static ApiError headersTooLarge(String message) {
		return new ApiError(431, INVALID_REQUEST, "headers_too_large", null, message, null, false);
	}

	/** 414: a request line longer than {@code gateway.api.max-initial-line-length}. */
	static ApiError requestLineTooLong() {
		return new ApiError(414, INVALID_REQUEST, "request_line_too_long", null,
				"The request line (method, path and query) is longer than this gateway accepts "
						+ "(gateway.api.max-initial-line-length).",
				null, false);
	}

	/** Each kind of upstream failure says what the caller sees. */
	private static ApiError fromUpstream(UpstreamFailure failure, Duration defaultRetryAfter) {
		UpstreamFailure.CallerError seen = failure.callerError();
		Duration wait = seen.sendsRetryAfter()
				? capped((failure.retryAfter() != null) ? failure.retryAfter() : defaultRetryAfter) : null;
		return new ApiError(seen.status(), seen.type(), seen.code(), seen.param(), failure.getMessage(), wait,
				seen.shouldRetry());
	}

	/**
	 * Reactor Netty's error for a body slower than {@code request-read-timeout}; its
	 * class is not public.
	 */
	private static boolean isRequestReadTimeout(Throwable error) {
		return error instanceof ChannelException
				&& error.getClass().getName().equals("reactor.netty.http.server.RequestTimeoutException");
	}

	private static Duration capped(Duration wait) {
		return (wait.compareTo(MAX_RETRY_AFTER) > 0) ? MAX_RETRY_AFTER : wait;
	}

	/** Whole seconds for {@code retry-after}, rounded up, at least 1. */
	static long retryAfterSeconds(Duration wait) {
		long seconds = (wait.toMillis() + 999) / 1000;
		return Math.max(1, seconds);
	}

	ApiError withMessage(String replacement) {
		return new ApiError(this.status, this.type, this.code, this.param, replacement, this.retryAfter,
				this.shouldRetry);
	}

	Envelope envelope() {
		return new Envelope(new Envelope.Body(this.message, this.type, this.param, this.code));
	}

	/** OpenAI's error envelope: every SDK parses exactly this shape. */
	record Envelope(@JsonProperty("error") Body error) {

		@JsonInclude(JsonInclude.Include.ALWAYS)
		record Body(@JsonProperty("message") String message, @JsonProperty("type") String type,
				@JsonProperty("param") @Nullable String param, @JsonProperty("code") @Nullable String code) {
		}

	}

}
