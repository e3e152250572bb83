package com.embeddinggateway.fanout;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How a request is split into upstream calls.
 *
 * @param maxParallelCalls upstream calls one request may have in flight at once, parts
 * split again after a 413 included
 * @param batchSizeRecovery how long a batch size learned from a 413 is kept before the
 * model's configured size is tried again
 */
@Validated
@ConfigurationProperties("gateway.fanout")
public record FanoutProperties(@DefaultValue("16") @Min(1) int maxParallelCalls,
		@DefaultValue("10m") @DurationMin(millis = 1) Duration batchSizeRecovery) {
}
