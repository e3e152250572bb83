package com.embeddinggateway.ratelimit;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Quota state in Redis, shared by every replica. Each operation is one Lua script, so
 * that it is atomic and costs one round trip; the keys of one tenant (or account) carry
 * the same hash tag, {@code {t:search-team}}, so they live in one Redis Cluster slot, and
 * every key expires once it no longer matters.
 */
final class RedisQuotaStore implements QuotaStore {

	private static final String PREFIX = "eg:";

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> ADMIT = script("admit.lua");

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> PACE = script("pace.lua");

	@SuppressWarnings("rawtypes")
	private static final RedisScript<Long> CORRECT = RedisScript
		.of(new ClassPathResource("com/embeddinggateway/ratelimit/correct.lua"), Long.class);

	private final ReactiveStringRedisTemplate redis;

	RedisQuotaStore(ReactiveStringRedisTemplate redis) {
		this.redis = redis;
	}

	@SuppressWarnings("rawtypes")
	private static RedisScript<List> script(String name) {
		return RedisScript.of(new ClassPathResource("com/embeddinggateway/ratelimit/" + name), List.class);
	}

	static String tenantKey(String tenant, String what) {
		return PREFIX + "{t:" + tenant + "}:" + what;
	}

	static String accountKey(Account account, String what) {
		return PREFIX + "{a:" + account.id() + "}:" + what;
	}

	@Override
	public Mono<Quota> admit(TenantLimits limits, long tokens, Periods periods) {
		String tenant = limits.tenant();
		List<String> keys = List.of(tenantKey(tenant, "rpm"), tenantKey(tenant, "tpm"),
				tenantKey(tenant, "day:" + periods.day()), tenantKey(tenant, "month:" + periods.month()));
		return this.redis
			.execute(ADMIT, keys,
					List.of(Long.toString(periods.nowMillis()), Long.toString(limits.requestsPerMinute()),
							Long.toString(limits.tokensPerMinute()), Long.toString(limits.tokensPerDay()),
							Long.toString(limits.tokensPerMonth()), Long.toString(tokens),
							Long.toString(periods.dayEndMillis()), Long.toString(periods.monthEndMillis())))
			.next()
			.map((reply) -> Quota.of(longs(reply)));
	}

	@Override
	public Mono<Void> correct(TenantLimits limits, long tokens, Periods periods) {
		String tenant = limits.tenant();
		List<String> keys = List.of(tenantKey(tenant, "tpm"), tenantKey(tenant, "day:" + periods.day()),
				tenantKey(tenant, "month:" + periods.month()));
		return this.redis
			.execute(CORRECT, keys, List.of(Long.toString(periods.nowMillis()), Long.toString(limits.tokensPerMinute()),
					Long.toString(limits.tokensPerDay()), Long.toString(limits.tokensPerMonth()), Long.toString(tokens),
					Long.toString(periods.dayEndMillis()), Long.toString(periods.monthEndMillis())))
			.then();
	}

	@Override
	public Mono<Pace> pace(Account account, long tokens, long maxWaitMillis, long now) {
		List<String> keys = List.of(accountKey(account, "rpm"), accountKey(account, "tpm"),
				accountKey(account, "cooldown"));
		return this.redis
			.execute(PACE, keys, List.of(Long.toString(now), Long.toString(account.requestsPerMinute()),
					Long.toString(account.tokensPerMinute()), Long.toString(tokens), Long.toString(maxWaitMillis)))
			.next()
			.map((reply) -> Pace.of(longs(reply)));
	}

	@Override
	public Mono<Void> correct(Account account, long tokens, long now) {
		if (account.tokensPerMinute() <= 0) {
			return Mono.empty();
		}
		List<String> keys = List.of(accountKey(account, "tpm"));
		return this.redis
			.execute(CORRECT, keys,
					List.of(Long.toString(now), Long.toString(account.tokensPerMinute()), "0", "0",
							Long.toString(tokens), "0", "0"))
			.then();
	}

	@Override
	public Mono<Void> coolDown(Account account, long millis, long now) {
		return this.redis.opsForValue()
			.set(accountKey(account, "cooldown"), "1", java.time.Duration.ofMillis(Math.max(1, millis)))
			.then();
	}

	private static long[] longs(List<?> reply) {
		long[] values = new long[reply.size()];
		for (int i = 0; i < values.length; i++) {
			values[i] = ((Number) reply.get(i)).longValue();
		}
		return values;
	}

}
