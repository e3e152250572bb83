package com.embeddinggateway.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import com.embeddinggateway.metrics.GatewayMetrics;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

/**
 * Redis, bounded by {@code redis-timeout}, with a decision for when it fails: fail open
 * (the default) answers from this replica's own memory, so traffic flows on local limits;
 * fail closed refuses with 503. Either way the request never waits longer than the
 * timeout, each failure is counted, and a warning is logged at most once per
 * {@code warning-interval}. Lettuce reconnects by itself; the next operation after Redis
 * is back uses it again.
 * <p>
 * Failing open is the default because the limits protect budgets, not the gateway: an
 * outage of the shared store should not become an outage of every tenant (the reasoning
 * of Spring Cloud Gateway's Redis rate limiter, which also lets requests through).
 */
final class SharedQuotaStore implements QuotaStore {

	private static final Log logger = LogFactory.getLog(SharedQuotaStore.class);

	private final QuotaStore redis;

	private final QuotaStore local;

	private final Duration timeout;

	private final boolean failOpen;

	private final long warningIntervalMillis;

	private final GatewayMetrics metrics;

	private final AtomicLong lastWarningMillis = new AtomicLong(Long.MIN_VALUE / 2);

	SharedQuotaStore(QuotaStore redis, QuotaStore local, RateLimitProperties properties, GatewayMetrics metrics) {
		this.redis = redis;
		this.local = local;
		this.timeout = properties.rateLimit().redisTimeout();
		this.failOpen = properties.rateLimit().failOpen();
		this.warningIntervalMillis = properties.rateLimit().warningInterval().toMillis();
		this.metrics = metrics;
	}

	@Override
	public Mono<Quota> admit(TenantLimits limits, long tokens, Periods periods) {
		return guarded("admit", (store) -> store.admit(limits, tokens, periods));
	}

	@Override
	public Mono<Void> correct(TenantLimits limits, long tokens, Periods periods) {
		return guarded("correct", (store) -> store.correct(limits, tokens, periods));
	}

	@Override
	public Mono<Pace> pace(Account account, long tokens, long maxWaitMillis, long now) {
		return guarded("pace", (store) -> store.pace(account, tokens, maxWaitMillis, now));
	}

	@Override
	public Mono<Void> correct(Account account, long tokens, long now) {
		return guarded("correct", (store) -> store.correct(account, tokens, now));
	}

	@Override
	public Mono<Void> coolDown(Account account, long millis, long now) {
		// Kept locally too: this replica honours its own 429 even while Redis is down.
		return this.local.coolDown(account, millis, now)
			.then(guarded("cooldown", (store) -> store.coolDown(account, millis, now)));
	}

	private <T> Mono<T> guarded(String operation, Function<QuotaStore, Mono<T>> call) {
		return call.apply(this.redis).timeout(this.timeout).onErrorResume((error) -> {
			this.metrics.quotaStoreError(operation, this.failOpen);
			warn(operation, error);
			if (!this.failOpen) {
				return Mono.error(new QuotaStoreUnavailableException());
			}
			return call.apply(this.local);
		});
	}

	private void warn(String operation, Throwable error) {
		long now = System.currentTimeMillis();
		long last = this.lastWarningMillis.get();
		if (now - last >= this.warningIntervalMillis && this.lastWarningMillis.compareAndSet(last, now)) {
			logger.warn("Redis failed to " + operation + " (" + error.getClass().getSimpleName() + ": "
					+ error.getMessage() + "); "
					+ (this.failOpen ? "admitting on this replica's own limits (gateway.rate-limit.fail-open=true)"
							: "refusing with 503 (gateway.rate-limit.fail-open=false)")
					+ ". Further failures are counted in gateway_ratelimit_store_errors_total; next warning in "
					+ this.warningIntervalMillis / 1000 + " s at the earliest.");
		}
	}

}
