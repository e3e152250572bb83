package com.embeddinggateway.ratelimit;

import reactor.core.publisher.Mono;

/**
 * Where quota and budget state lives: this replica's memory, or Redis shared by all
 * replicas. Every operation is atomic for its tenant or account.
 */
interface QuotaStore {

	/**
	 * Takes one request and {@code tokens} from the tenant's limits if all of them allow
	 * it, else nothing.
	 */
	Mono<Quota> admit(TenantLimits limits, long tokens, Periods periods);

	/**
	 * Books {@code tokens} more (or, negative, fewer) than admitted: the upstream's
	 * {@code usage} against the estimate.
	 */
	Mono<Void> correct(TenantLimits limits, long tokens, Periods periods);

	/**
	 * Reserves one call and {@code tokens} from the account's budget if the wait for them
	 * is at most {@code maxWaitMillis}; says so if the account is cooling down from a
	 * 429.
	 */
	Mono<Pace> pace(Account account, long tokens, long maxWaitMillis, long nowMillis);

	/** Books {@code tokens} more (or fewer) than reserved against the account. */
	Mono<Void> correct(Account account, long tokens, long nowMillis);

	/** The account answered 429: no call to it for {@code millis}. */
	Mono<Void> coolDown(Account account, long millis, long nowMillis);

}
