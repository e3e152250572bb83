package com.embeddinggateway.ratelimit;

/**
 * Redis failed and {@code gateway.rate-limit.fail-open} is off: no request is admitted
 * without the shared limits. The caller gets 503 with {@code retry-after}.
 */
public class QuotaStoreUnavailableException extends RuntimeException {

	QuotaStoreUnavailableException() {
		super("The gateway cannot check this tenant's quota right now (its shared store is unreachable); "
				+ "retry shortly.", null, false, false);
	}

}
