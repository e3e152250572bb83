package com.embeddinggateway.upstream;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Why one upstream call failed, decided once where the failure enters the gateway. The
 * API layer maps each kind to an HTTP status in one place; the fan-out reacts to
 * {@link BatchTooLarge}; later layers may retry the {@link #isTransient() transient}
 * ones. Messages never contain a credential. Stack traces are skipped: these are expected
 * outcomes of remote calls, not bugs.
 */
public abstract sealed class UpstreamFailure extends RuntimeException {

	private final int upstreamStatus;

	private final @Nullable Duration retryAfter;

	private UpstreamFailure(String message, int upstreamStatus, @Nullable Duration retryAfter) {
		super(message, null, false, false);
		this.upstreamStatus = upstreamStatus;
		this.retryAfter = retryAfter;
	}

	/** The upstream's HTTP status, or 0 when no response arrived. */
	public int upstreamStatus() {
		return this.upstreamStatus;
	}

	/** How long the upstream asked us to wait, when it said so. */
	public @Nullable Duration retryAfter() {
		return this.retryAfter;
	}

	/** Whether the same call may succeed later. */
	public abstract boolean isTransient();

	/** 429: the account's RPM/TPM/RPD/TPD budget is spent. */
	public static final class RateLimited extends UpstreamFailure {

		private final boolean tokens;

		RateLimited(String message, @Nullable Duration retryAfter, boolean tokens) {
			super(message, 429, retryAfter);
			this.tokens = tokens;
		}

		/**
		 * Whether the upstream named a token limit (TPM/TPD) rather than a request one.
		 */
		public boolean tokenLimit() {
			return this.tokens;
		}

		@Override
		public boolean isTransient() {
			return true;
		}

	}

	/** 500/502/503 (SiliconFlow's 50505 "model service overloaded"). */
	public static final class Overloaded extends UpstreamFailure {

		Overloaded(String message, int status, @Nullable Duration retryAfter) {
			super(message, status, retryAfter);
		}

		@Override
		public boolean isTransient() {
			return true;
		}

	}

	/** 504 from upstream, or no answer within the response timeout. */
	public static final class TimedOut extends UpstreamFailure {

		public TimedOut(String message, int status) {
			super(message, status, null);
		}

		@Override
		public boolean isTransient() {
			return true;
		}

	}

	/** No HTTP answer at all: refused, reset or closed connection. */
	public static final class Unreachable extends UpstreamFailure {

		Unreachable(String message) {
			super(message, 0, null);
		}

		@Override
		public boolean isTransient() {
			return true;
		}

	}

	/** 413 with code 20042: fewer inputs per call would be accepted. */
	public static final class BatchTooLarge extends UpstreamFailure {

		private final int maxBatchSize;

		private final String upstream;

		private final String model;

		BatchTooLarge(String message, int maxBatchSize, String upstream, String model) {
			super(message, 413, null);
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

		@Override
		public boolean isTransient() {
			return false;
		}

	}

	/** 400: the upstream refused the inputs themselves. */
	public static final class InputRejected extends UpstreamFailure {

		InputRejected(String message) {
			super(message, 400, null);
		}

		@Override
		public boolean isTransient() {
			return false;
		}

	}

	/**
	 * 401/403: the gateway's upstream credentials are wrong, out of balance or blocked.
	 */
	public static final class CredentialsRejected extends UpstreamFailure {

		CredentialsRejected(String message, int status) {
			super(message, status, null);
		}

		@Override
		public boolean isTransient() {
			return false;
		}

	}

	/**
	 * Anything else the gateway cannot use: 404, unexpected statuses, unparseable or
	 * incomplete bodies, the wrong number of vectors.
	 */
	public static final class BadResponse extends UpstreamFailure {

		public BadResponse(String message, int status) {
			super(message, status, null);
		}

		@Override
		public boolean isTransient() {
			return false;
		}

	}

}
