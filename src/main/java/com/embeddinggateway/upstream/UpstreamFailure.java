package com.embeddinggateway.upstream;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Why one upstream call failed, decided once where the failure enters the gateway, and
 * everything that follows from it, answered here and nowhere else: whether the call is
 * retried, whether the deployment's circuit breaker counts it, what the caller sees and
 * which {@code outcome} the metrics name. The fan-out also reacts to
 * {@link BatchTooLarge}. Messages never contain a credential. Stack traces are skipped:
 * these are expected outcomes of remote calls, not bugs.
 */
public abstract sealed class UpstreamFailure extends RuntimeException {

	/**
	 * What a caller sees for a failure: an HTTP status and OpenAI's error fields.
	 *
	 * @param status HTTP status
	 * @param type OpenAI error type
	 * @param code OpenAI error code, or null
	 * @param param the request field at fault, or null
	 * @param sendsRetryAfter whether a {@code retry-after} goes with it (the upstream's,
	 * else the gateway's default)
	 * @param shouldRetry {@code false} sends {@code x-should-retry: false}
	 */
	public record CallerError(int status, String type, @Nullable String code, @Nullable String param,
			boolean sendsRetryAfter, boolean shouldRetry) {

		static final CallerError UNAVAILABLE = new CallerError(503, "service_unavailable", "service_unavailable", null,
				true, true);

		static final CallerError TIMEOUT = new CallerError(504, "timeout", "timeout", null, false, true);

		/** Retrying the same call will not help: {@code x-should-retry: false}. */
		static final CallerError UPSTREAM_ERROR = new CallerError(502, "upstream_error", "upstream_error", null, false,
				false);

	}

	private final int upstreamStatus;

	private final @Nullable Duration retryAfter;

	private final boolean transientFailure;

	private final boolean breakerFailure;

	private final CallerError callerError;

	private final String outcome;

	private UpstreamFailure(String message, int upstreamStatus, @Nullable Duration retryAfter, boolean transientFailure,
			boolean breakerFailure, CallerError callerError, String outcome) {
		super(message, null, false, false);
		this.upstreamStatus = upstreamStatus;
		this.retryAfter = retryAfter;
		this.transientFailure = transientFailure;
		this.breakerFailure = breakerFailure;
		this.callerError = callerError;
		this.outcome = outcome;
	}

	/** The upstream's HTTP status, or 0 when no response arrived. */
	public int upstreamStatus() {
		return this.upstreamStatus;
	}

	/** How long the upstream asked us to wait, when it said so. */
	public @Nullable Duration retryAfter() {
		return this.retryAfter;
	}

	/**
	 * Whether the same call may succeed later, so it is retried after a backoff while
	 * attempts, the deadline and the retry budget allow.
	 */
	public final boolean isTransient() {
		return this.transientFailure;
	}

	/**
	 * Whether another deployment of the model is tried at once, without a backoff, when
	 * one is free.
	 */
	public boolean spillsOver() {
		return false;
	}

	/**
	 * Whether the deployment's circuit breaker counts this as a failure. What it does not
	 * count it ignores: it is never counted as a success.
	 */
	public final boolean isBreakerFailure() {
		return this.breakerFailure;
	}

	/** What the caller sees when this failure ends the request. */
	public final CallerError callerError() {
		return this.callerError;
	}

	/** The {@code outcome} tag of {@code gateway_upstream_calls}. */
	public final String outcome() {
		return this.outcome;
	}

	/**
	 * 429: the account's RPM/TPM/RPD/TPD budget is spent. The upstream is pacing us, not
	 * failing, so the breaker ignores it; another deployment may have budget left.
	 */
	public static final class RateLimited extends UpstreamFailure {

		private final boolean tokens;

		private final boolean shared;

		RateLimited(String message, @Nullable Duration retryAfter, boolean tokens) {
			this(message, retryAfter, tokens, false);
		}

		private RateLimited(String message, @Nullable Duration retryAfter, boolean tokens, boolean shared) {
			super(message, 429, retryAfter, true, false,
					new CallerError(429, tokens ? "tokens" : "requests", "rate_limit_exceeded", null, true, true),
					"rate_limited");
			this.tokens = tokens;
			this.shared = shared;
		}

		/**
		 * A 429 cooldown another replica learned for this account and deployment, treated
		 * as if this call had been answered 429, without sending it.
		 */
		public static RateLimited learnedElsewhere(String message, Duration retryAfter) {
			return new RateLimited(message, retryAfter, false, true);
		}

		/** Whether the cooldown came from the shared state rather than this call. */
		public boolean learnedElsewhere() {
			return this.shared;
		}

		/**
		 * Whether the upstream named a token limit (TPM/TPD) rather than a request one.
		 */
		public boolean tokenLimit() {
			return this.tokens;
		}

		@Override
		public boolean spillsOver() {
			return true;
		}

	}

	/**
	 * 500/502/503 (SiliconFlow's 50505 "model service overloaded"), or an in-process
	 * model whose queue is full.
	 */
	public static final class Overloaded extends UpstreamFailure {

		Overloaded(String message, int status, @Nullable Duration retryAfter) {
			super(message, status, retryAfter, true, true, CallerError.UNAVAILABLE, "overloaded");
		}

		/** An in-process model refusing a call because its queue is full. */
		public static Overloaded inProcess(String message, Duration retryAfter) {
			return new Overloaded(message, 503, retryAfter);
		}

	}

	/** 504 from upstream, or no answer within the response timeout. */
	public static final class TimedOut extends UpstreamFailure {

		public TimedOut(String message, int status) {
			super(message, status, null, true, true, CallerError.TIMEOUT, "timeout");
		}

	}

	/** No HTTP answer at all: refused, reset or closed connection. */
	public static final class Unreachable extends UpstreamFailure {

		Unreachable(String message) {
			super(message, 0, null, true, true, CallerError.UNAVAILABLE, "unreachable");
		}

	}

	/**
	 * 413 with code 20042: fewer inputs per call would be accepted. The fan-out splits
	 * the batch; the breaker ignores it, as a healthy upstream answered it.
	 */
	public static final class BatchTooLarge extends UpstreamFailure {

		private final int maxBatchSize;

		private final String upstream;

		private final String model;

		BatchTooLarge(String message, int maxBatchSize, String upstream, String model) {
			super(message, 413, null, false, false, CallerError.UPSTREAM_ERROR, "batch_too_large");
			this.maxBatchSize = maxBatchSize;
			this.upstream = upstream;
			this.model = model;
		}

		/** The batch size the upstream said it allows, or 0 when it did not say. */
		public int maxBatchSize() {
			return this.maxBatchSize;
		}

		/** Id of the upstream that refused the batch. */
		public String upstream() {
			return this.upstream;
		}

		/** The model's name at that upstream. */
		public String model() {
			return this.model;
		}

	}

	/**
	 * 400: the upstream refused the inputs themselves. The caller's own mistake, so the
	 * breaker ignores it.
	 */
	public static final class InputRejected extends UpstreamFailure {

		InputRejected(String message) {
			super(message, 400, null, false, false,
					new CallerError(400, "invalid_request_error", null, "input", false, false), "rejected");
		}

	}

	/**
	 * 401/403: the gateway's upstream credentials are wrong, out of balance or blocked.
	 * The breaker ignores it: the key may be one tenant's own, and the breaker serves all
	 * tenants of the deployment.
	 */
	public static final class CredentialsRejected extends UpstreamFailure {

		CredentialsRejected(String message, int status) {
			super(message, status, null, false, false, CallerError.UPSTREAM_ERROR, "credentials");
		}

	}

	/**
	 * Anything else the gateway cannot use: 404, unexpected statuses, unparseable or
	 * incomplete bodies, the wrong number of vectors or vectors of the wrong length. An
	 * answer that arrived with a 4xx status came from an upstream that is up, so the
	 * breaker ignores it; garbage with a 2xx or 5xx status counts.
	 */
	public static final class BadResponse extends UpstreamFailure {

		public BadResponse(String message, int status) {
			super(message, status, null, false, status / 100 != 4, CallerError.UPSTREAM_ERROR, "bad_response");
		}

	}

}
