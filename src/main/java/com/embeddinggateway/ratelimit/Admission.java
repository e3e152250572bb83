package com.embeddinggateway.ratelimit;

import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

/**
 * An admitted request. Once it ends, it books what it really spent: {@link #settle} with
 * the upstream's {@code usage} (the estimate is replaced by it), or {@link #release} when
 * it failed or its caller left (the estimate is given back: SiliconFlow does not bill a
 * failed call). Only the first of the two counts.
 */
public final class Admission {

	private final TenantQuotas quotas;

	final String tenant;

	final String model;

	final @Nullable TenantLimits limits;

	final long tokens;

	private final AtomicBoolean settled = new AtomicBoolean();

	Admission(TenantQuotas quotas, String tenant, String model, @Nullable TenantLimits limits, long tokens) {
		this.quotas = quotas;
		this.tenant = tenant;
		this.model = model;
		this.limits = limits;
		this.tokens = tokens;
	}

	/** The request succeeded; the upstreams counted {@code promptTokens}. */
	public void settle(long promptTokens) {
		if (this.settled.compareAndSet(false, true)) {
			this.quotas.settle(this, promptTokens);
		}
	}

	/** The request failed or was abandoned: its estimate is given back. */
	public void release() {
		if (this.settled.compareAndSet(false, true)) {
			this.quotas.book(this, -this.tokens);
		}
	}

}
