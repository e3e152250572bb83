package com.embeddinggateway.ratelimit;

import java.time.Duration;

import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How quotas and upstream budgets are held. The limits themselves are configured on the
 * tenants ({@code gateway.tenants[].limits}) and on the deployments
 * ({@code gateway.models[].deployments[].limits}).
 *
 * @param redisTimeout longest a request waits for Redis; past it, the store counts as
 * failed for that request
 * @param failOpen when Redis fails, admit on this replica's own in-memory limits
 * ({@code true}) or refuse with 503 ({@code false})
 * @param upstreamMaxWait longest an upstream call waits for its account's budget; a call
 * that would wait longer is refused with 429
 * @param warningInterval at most one warning per this interval while Redis fails
 */
@Validated
@ConfigurationProperties("gateway.rate-limit")
public record RateLimitProperties(@DefaultValue("100ms") @DurationMin(millis = 1) Duration redisTimeout,
		@DefaultValue("true") boolean failOpen, @DefaultValue("2s") @DurationMin(millis = 0) Duration upstreamMaxWait,
		@DefaultValue("60s") @DurationMin(millis = 1) Duration warningInterval) {
}
