package com.embeddinggateway.ratelimit;

import com.embeddinggateway.tenancy.TenancyProperties;
import org.jspecify.annotations.Nullable;

/**
 * One tenant's limits, 0 where none is set.
 *
 * @param tenant the tenant's id
 * @param requestsPerMinute requests per minute
 * @param tokensPerMinute prompt tokens per minute
 * @param tokensPerDay prompt tokens per day (UTC)
 * @param tokensPerMonth prompt tokens per month (UTC)
 */
record TenantLimits(String tenant, long requestsPerMinute, long tokensPerMinute, long tokensPerDay,
		long tokensPerMonth) {

	static @Nullable TenantLimits of(String tenant, TenancyProperties.@Nullable Limits limits) {
		if (limits == null) {
			return null;
		}
		TenantLimits of = new TenantLimits(tenant, orZero(limits.requestsPerMinute()), orZero(limits.tokensPerMinute()),
				orZero(limits.tokensPerDay()), orZero(limits.tokensPerMonth()));
		return of.any() ? of : null;
	}

	boolean countsTokens() {
		return this.tokensPerMinute > 0 || this.tokensPerDay > 0 || this.tokensPerMonth > 0;
	}

	private boolean any() {
		return this.requestsPerMinute > 0 || countsTokens();
	}

	private static long orZero(@Nullable Number value) {
		return (value != null) ? value.longValue() : 0;
	}

}
