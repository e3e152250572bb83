package com.embeddinggateway.resilience;

import java.time.Duration;

import com.embeddinggateway.config.PositiveSize;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Retries, deadlines, circuit breakers and pacing of upstream calls.
 *
 * @param deadline longest a request may take; a caller's shorter timeout (the
 * {@code x-stainless-read-timeout} or {@code x-stainless-timeout} header the OpenAI SDKs
 * send) lowers it
 * @param attemptTimeout longest one upstream attempt may take, its whole answer included;
 * a slower attempt is cancelled, counts as a breaker failure and is retried while the
 * deadline allows (at or above the deadline, the deadline cuts every attempt instead)
 * @param retry retries of one upstream call
 * @param breaker circuit breaker per upstream deployment
 * @param pacing concurrency towards one upstream key and model
 * @param maxInFlightMemory request bodies and upstream answers the requests in flight may
 * hold at once; a request that would pass it gets 503 (absent: half the JVM's maximum
 * heap)
 */
@Validated
@ConfigurationProperties("gateway.resilience")
public record ResilienceProperties(@DefaultValue("60s") @DurationMin(millis = 1) Duration deadline,
		@DefaultValue("20s") @DurationMin(millis = 1) Duration attemptTimeout, @DefaultValue @Valid Retry retry,
		@DefaultValue @Valid Breaker breaker, @DefaultValue @Valid Pacing pacing,
		@Nullable @PositiveSize DataSize maxInFlightMemory) {

	/**
	 * Retries of 429, 5xx, timeouts and connection errors; never of other 4xx.
	 *
	 * @param maxAttempts attempts per upstream call, the first included
	 * @param baseDelay backoff before the first retry; doubles each retry, with full
	 * jitter
	 * @param maxDelay cap of the backoff (an upstream's longer {@code Retry-After} still
	 * wins)
	 * @param minAttemptTime no retry starts unless at least this much of the deadline is
	 * left after its backoff
	 * @param budgetRatio retries may add at most this fraction of extra calls per
	 * upstream over {@code budget-window}; beyond it failures go straight to the caller
	 * @param budgetWindow the sliding window of the retry budget
	 * @param budgetMinRetries retries always allowed per window, so a quiet gateway can
	 * still retry
	 */
	public record Retry(@DefaultValue("4") @Min(1) int maxAttempts,
			@DefaultValue("250ms") @DurationMin(millis = 1) Duration baseDelay,
			@DefaultValue("8s") @DurationMin(millis = 1) Duration maxDelay,
			@DefaultValue("100ms") @DurationMin Duration minAttemptTime,
			@DefaultValue("0.2") @DecimalMin("0.0") @DecimalMax("10.0") double budgetRatio,
			@DefaultValue("10s") @DurationMin(millis = 1) Duration budgetWindow,
			@DefaultValue("10") @Min(0) int budgetMinRetries) {

		// Named after the key it checks, so that a start-up failure names that key.
		@AssertTrue(message = "must not be above max-delay, which caps every backoff")
		boolean isBaseDelay() {
			return this.baseDelay.compareTo(this.maxDelay) <= 0;
		}

	}

	/**
	 * Resilience4j circuit breaker, one per upstream deployment. 5xx, timeouts and
	 * connection errors count as failures; 429 (pacing, not a broken service) and other
	 * 4xx do not. A call that ran longer than {@code slow-call-duration-threshold} counts
	 * as slow, also when the request's deadline cancelled it.
	 *
	 * @param failureRateThreshold percentage of failed calls that opens it
	 * @param slowCallRateThreshold percentage of slow calls that opens it
	 * @param slowCallDurationThreshold a call that runs longer is slow (absent: three
	 * quarters of {@code attempt-timeout})
	 * @param slidingWindowSize calls it judges the failure rate over
	 * @param minimumNumberOfCalls calls needed before it may open
	 * @param waitInOpenState how long it stays open before probing
	 * @param permittedCallsInHalfOpenState probe calls that decide whether it closes
	 */
	public record Breaker(@DefaultValue("50") @Min(1) @Max(100) int failureRateThreshold,
			@DefaultValue("50") @Min(1) @Max(100) int slowCallRateThreshold,
			@Nullable @DurationMin(millis = 1) Duration slowCallDurationThreshold,
			@DefaultValue("20") @Min(1) int slidingWindowSize, @DefaultValue("10") @Min(1) int minimumNumberOfCalls,
			@DefaultValue("30s") @DurationMin(millis = 1) Duration waitInOpenState,
			@DefaultValue("3") @Min(1) int permittedCallsInHalfOpenState) {

		// Resilience4j silently lowers it to the window's size. Named after the key it
		// checks, so that a start-up failure names that key.
		@AssertTrue(message = "must not be above sliding-window-size, the most calls the breaker looks at")
		boolean isMinimumNumberOfCalls() {
			return this.minimumNumberOfCalls <= this.slidingWindowSize;
		}

	}

	/**
	 * Additive-increase, multiplicative-decrease concurrency per upstream key and model:
	 * a 429 halves the calls allowed in flight, each success adds back a little.
	 *
	 * @param maxConcurrency calls in flight when the upstream never pushes back
	 * @param minConcurrency the floor a run of 429s can bring it down to
	 * @param mergeWaitingCalls whether calls that would wait for a slot are merged into
	 * one upstream call of up to the model's {@code max-batch-size} inputs
	 */
	public record Pacing(@DefaultValue("256") @Min(1) int maxConcurrency, @DefaultValue("2") @Min(1) int minConcurrency,
			@DefaultValue("true") boolean mergeWaitingCalls) {

		// Named after the key it checks, so that a start-up failure names that key.
		@AssertTrue(message = "must not be above max-concurrency")
		boolean isMinConcurrency() {
			return this.minConcurrency <= this.maxConcurrency;
		}

	}

}
