package com.embeddinggateway.ratelimit;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How quotas, budgets and costs are kept. The limits themselves are configured on the
 * tenants ({@code gateway.tenants[].limits}) and on the deployments
 * ({@code gateway.models[].deployments[].limits}), the prices on the models
 * ({@code gateway.models[].price-per-million-tokens}).
 *
 * @param rateLimit where quota state lives and what happens when Redis fails
 * @param currency the {@code currency} tag of {@code gateway_cost_total}, the currency of
 * {@code price-per-million-tokens}; SiliconFlow's China site bills in CNY, its
 * international site in USD
 */
@Validated
@ConfigurationProperties("gateway")
public record RateLimitProperties(@DefaultValue @Valid RateLimit rateLimit,
		@DefaultValue("CNY") @NotBlank String currency) {

	/**
	 * @param redisTimeout longest a request waits for Redis; past it, the store counts as
	 * failed for that request
	 * @param failOpen when Redis fails, admit on this replica's own in-memory limits
	 * ({@code true}) or refuse with 503 ({@code false})
	 * @param upstreamMaxWait longest an upstream call waits for its account's budget; a
	 * call that would wait longer is refused with 429
	 * @param warningInterval at most one warning per this interval while Redis fails
	 */
	public record RateLimit(@DefaultValue("100ms") @DurationMin(millis = 1) Duration redisTimeout,
			@DefaultValue("true") boolean failOpen,
			@DefaultValue("2s") @DurationMin(millis = 0) Duration upstreamMaxWait,
			@DefaultValue("60s") @DurationMin(millis = 1) Duration warningInterval) {
	}

}
