package com.embeddinggateway.ratelimit;

/**
 * OpenAI's six {@code x-ratelimit-*} headers: limit, remaining and time to reset, of
 * requests and of tokens. The tokens pair describes {@code tokens-per-minute}, or, for a
 * tenant with only budgets, the day's budget (else the month's). A tenant without a
 * requests limit gets no requests pair.
 */
final class RateLimitHeaders {

	/** openai-node ignores a longer {@code retry-after}. */
	static final long MAX_RETRY_AFTER_MILLIS = 60_000;

	private RateLimitHeaders() {
	}

	static void write(TenantQuotas.HeaderSink headers, TenantLimits limits, Quota quota, Periods periods) {
		if (limits.requestsPerMinute() > 0) {
			headers.set("x-ratelimit-limit-requests", Long.toString(limits.requestsPerMinute()));
			headers.set("x-ratelimit-remaining-requests", Long.toString(quota.requestsRemaining()));
			headers.set("x-ratelimit-reset-requests", duration(quota.requestsResetMillis()));
		}
		if (limits.tokensPerMinute() > 0) {
			tokens(headers, limits.tokensPerMinute(), quota.tokensRemaining(), quota.tokensResetMillis());
		}
		else if (limits.tokensPerDay() > 0) {
			tokens(headers, limits.tokensPerDay(), limits.tokensPerDay() - quota.dayUsed(),
					periods.dayEndMillis() - periods.nowMillis());
		}
		else if (limits.tokensPerMonth() > 0) {
			tokens(headers, limits.tokensPerMonth(), limits.tokensPerMonth() - quota.monthUsed(),
					periods.monthEndMillis() - periods.nowMillis());
		}
	}

	private static void tokens(TenantQuotas.HeaderSink headers, long limit, long remaining, long resetMillis) {
		headers.set("x-ratelimit-limit-tokens", Long.toString(limit));
		headers.set("x-ratelimit-remaining-tokens", Long.toString(Math.max(0, remaining)));
		headers.set("x-ratelimit-reset-tokens", duration(resetMillis));
	}

	/**
	 * A duration as OpenAI writes it in {@code x-ratelimit-reset-*}: {@code 20ms},
	 * {@code 1.5s}, {@code 6m0s}, {@code 2h3m4s}.
	 */
	static String duration(long millis) {
		if (millis <= 0) {
			return "0s";
		}
		if (millis < 1000) {
			return millis + "ms";
		}
		long hours = millis / 3_600_000;
		long minutes = (millis / 60_000) % 60;
		long seconds = (millis / 1000) % 60;
		long rest = millis % 1000;
		StringBuilder text = new StringBuilder();
		if (hours > 0) {
			text.append(hours).append('h');
		}
		if (hours > 0 || minutes > 0) {
			text.append(minutes).append('m');
		}
		text.append(seconds);
		if (rest > 0) {
			text.append('.').append(String.format("%03d", rest).replaceAll("0+$", ""));
		}
		return text.append('s').toString();
	}

}
