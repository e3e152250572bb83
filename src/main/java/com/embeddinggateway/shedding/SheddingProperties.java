package com.embeddinggateway.shedding;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The adaptive limit on embeddings requests in flight.
 *
 * @param enabled {@code false} admits every request, however far behind the gateway is
 * @param minLimit fewest requests in flight the limit ever comes down to
 * @param maxLimit most requests in flight the limit ever goes up to
 * @param initialLimit the limit at start-up
 * @param maxLoopDelay how late every probe of a window may run before the gateway counts
 * as past its capacity and the limit comes down
 * @param probeInterval how often each event loop is asked how late it runs
 * @param window how often the limit is adjusted, from the smallest delay the probes saw
 * in the window
 */
@Validated
@ConfigurationProperties("gateway.shedding")
public record SheddingProperties(@DefaultValue("true") boolean enabled, @DefaultValue("64") @Min(1) int minLimit,
		@DefaultValue("1000") @Min(1) int maxLimit, @DefaultValue("1000") @Min(1) int initialLimit,
		@DefaultValue("10ms") @DurationMin(millis = 1) Duration maxLoopDelay,
		@DefaultValue("10ms") @DurationMin(millis = 1) Duration probeInterval,
		@DefaultValue("100ms") @DurationMin(millis = 1) Duration window) {

	// Named after the keys they check, so that a start-up failure names that key.
	@AssertTrue(message = "must not be above max-limit")
	boolean isMinLimit() {
		return this.minLimit <= this.maxLimit;
	}

	@AssertTrue(message = "must be between min-limit and max-limit")
	boolean isInitialLimit() {
		return this.minLimit <= this.initialLimit && this.initialLimit <= this.maxLimit;
	}

}
