package com.embeddinggateway.warmup;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The warm-up that runs before the gateway reports ready.
 *
 * @param enabled {@code false} reports ready as soon as the application has started
 * @param maxDuration longest the warm-up runs, whether or not compilation has settled
 * @param concurrency warm-up requests in flight at once; no more than
 * {@code gateway.shedding.min-limit}, so that load shedding never refuses them. Few, so
 * that the JIT's compiler threads keep most of the CPU while the requests make the path
 * hot
 */
@Validated
@ConfigurationProperties("gateway.warmup")
public record WarmupProperties(@DefaultValue("true") boolean enabled,
		@DefaultValue("20s") @DurationMin(millis = 100) Duration maxDuration,
		@DefaultValue("2") @Min(1) @Max(64) int concurrency) {
}
