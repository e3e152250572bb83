package com.embeddinggateway.ratelimit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitHeadersTests {

	@Test
	void writesDurationsAsOpenAiDoes() {
		assertThat(RateLimitHeaders.duration(0)).isEqualTo("0s");
		assertThat(RateLimitHeaders.duration(20)).isEqualTo("20ms");
		assertThat(RateLimitHeaders.duration(1000)).isEqualTo("1s");
		assertThat(RateLimitHeaders.duration(1500)).isEqualTo("1.5s");
		assertThat(RateLimitHeaders.duration(360_000)).isEqualTo("6m0s");
		assertThat(RateLimitHeaders.duration(7_384_250)).isEqualTo("2h3m4.25s");
	}

	@Test
	void writesSixHeadersForATenantWithRequestAndTokenLimits() {
		Map<String, String> headers = new LinkedHashMap<>();
		TenantLimits limits = new TenantLimits("t", 600, 100_000, 0, 0);
		Quota quota = new Quota(Verdict.ADMITTED, 0, 599, 100, 99_000, 600, 0, 0);
		RateLimitHeaders.write(headers::put, limits, quota, Periods.at(Instant.parse("2026-12-02T10:00:00Z")));
		assertThat(headers).containsExactly(Map.entry("x-ratelimit-limit-requests", "600"),
				Map.entry("x-ratelimit-remaining-requests", "599"), Map.entry("x-ratelimit-reset-requests", "100ms"),
				Map.entry("x-ratelimit-limit-tokens", "100000"), Map.entry("x-ratelimit-remaining-tokens", "99000"),
				Map.entry("x-ratelimit-reset-tokens", "600ms"));
	}

	@Test
	void describesTheDayBudgetWhenATenantHasNoTokensPerMinute() {
		Map<String, String> headers = new LinkedHashMap<>();
		TenantLimits limits = new TenantLimits("t", 0, 0, 1000, 0);
		Quota quota = new Quota(Verdict.ADMITTED, 0, 0, 0, 0, 0, 250, 250);
		RateLimitHeaders.write(headers::put, limits, quota, Periods.at(Instant.parse("2026-12-02T23:00:00Z")));
		assertThat(headers).containsExactly(Map.entry("x-ratelimit-limit-tokens", "1000"),
				Map.entry("x-ratelimit-remaining-tokens", "750"), Map.entry("x-ratelimit-reset-tokens", "1h0m0s"));
	}

}
