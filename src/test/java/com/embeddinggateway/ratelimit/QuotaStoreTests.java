package com.embeddinggateway.ratelimit;

import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import com.embeddinggateway.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same sums in memory and in Redis's Lua scripts, each checked against one real
 * {@code redis-server}.
 */
class QuotaStoreTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	static LettuceConnectionFactory factory;

	static final Instant MORNING = Instant.parse("2026-12-02T10:00:00Z");

	@AfterAll
	static void close() {
		if (factory != null) {
			factory.destroy();
		}
	}

	@BeforeEach
	void empty() {
		redis.flush();
	}

	static List<Supplier<QuotaStore>> stores() {
		return List.of(LocalQuotaStore::new, QuotaStoreTests::redisStore);
	}

	private static synchronized QuotaStore redisStore() {
		if (factory == null) {
			factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", redis.port()));
			factory.afterPropertiesSet();
			factory.start();
		}
		return new RedisQuotaStore(new ReactiveStringRedisTemplate(factory));
	}

	@ParameterizedTest
	@MethodSource("stores")
	void refusesTheRequestOverTheRequestsLimitWithTheWaitUntilItFits(Supplier<QuotaStore> stores) {
		QuotaStore store = stores.get();
		TenantLimits limits = new TenantLimits("team", 2, 0, 0, 0);
		Periods now = Periods.at(MORNING);
		assertThat(store.admit(limits, 0, now).block().requestsRemaining()).isEqualTo(1);
		assertThat(store.admit(limits, 0, now).block().verdict()).isEqualTo(Verdict.ADMITTED);
		Quota refused = store.admit(limits, 0, now).block();
		assertThat(refused.verdict()).isEqualTo(Verdict.REQUESTS);
		assertThat(refused.retryAfterMillis()).isEqualTo(30_000);
		assertThat(refused.requestsRemaining()).isZero();
		assertThat(store.admit(limits, 0, Periods.at(MORNING.plusSeconds(30))).block().verdict())
			.isEqualTo(Verdict.ADMITTED);
	}

	@ParameterizedTest
	@MethodSource("stores")
	void chargesTokensPerMinuteAndBooksTheUpstreamsCorrection(Supplier<QuotaStore> stores) {
		QuotaStore store = stores.get();
		TenantLimits limits = new TenantLimits("team", 0, 1000, 0, 0);
		Periods now = Periods.at(MORNING);
		assertThat(store.admit(limits, 400, now).block().tokensRemaining()).isEqualTo(600);
		store.correct(limits, 200, now).block();
		Quota next = store.admit(limits, 100, now).block();
		assertThat(next.tokensRemaining()).isEqualTo(300);
		Quota refused = store.admit(limits, 600, now).block();
		assertThat(refused.verdict()).isEqualTo(Verdict.TOKENS);
		assertThat(refused.retryAfterMillis()).isEqualTo(18_000);
		assertThat(store.admit(limits, 1001, now).block().verdict()).isEqualTo(Verdict.TOO_LARGE);
	}

	@ParameterizedTest
	@MethodSource("stores")
	void stopsATenantAtItsDayBudgetUntilTheDayRollsOver(Supplier<QuotaStore> stores) {
		QuotaStore store = stores.get();
		TenantLimits limits = new TenantLimits("team", 0, 0, 1000, 5000);
		assertThat(store.admit(limits, 900, Periods.at(MORNING)).block().dayUsed()).isEqualTo(900);
		Quota refused = store.admit(limits, 200, Periods.at(MORNING.plusSeconds(3600))).block();
		assertThat(refused.verdict()).isEqualTo(Verdict.DAY);
		assertThat(refused.dayUsed()).isEqualTo(900);
		Quota tomorrow = store.admit(limits, 200, Periods.at(Instant.parse("2026-12-03T00:00:01Z"))).block();
		assertThat(tomorrow.verdict()).isEqualTo(Verdict.ADMITTED);
		assertThat(tomorrow.dayUsed()).isEqualTo(200);
		assertThat(tomorrow.monthUsed()).isEqualTo(1100);
	}

	@ParameterizedTest
	@MethodSource("stores")
	void stopsATenantAtItsMonthBudget(Supplier<QuotaStore> stores) {
		QuotaStore store = stores.get();
		TenantLimits limits = new TenantLimits("team", 0, 0, 0, 1000);
		store.admit(limits, 1000, Periods.at(MORNING)).block();
		assertThat(store.admit(limits, 1, Periods.at(MORNING)).block().verdict()).isEqualTo(Verdict.MONTH);
		assertThat(store.admit(limits, 1, Periods.at(Instant.parse("2027-01-01T00:00:00Z"))).block().verdict())
			.isEqualTo(Verdict.ADMITTED);
	}

	@ParameterizedTest
	@MethodSource("stores")
	void pacesAnAccountWithinTheWaitAllowedAndRefusesBeyondIt(Supplier<QuotaStore> stores) {
		QuotaStore store = stores.get();
		Account account = new Account("sf:m:abc", 60, 0);
		long now = MORNING.toEpochMilli();
		for (int i = 0; i < 60; i++) {
			assertThat(store.pace(account, 10, 2000, now).block()).isEqualTo(Pace.GO);
		}
		assertThat(store.pace(account, 10, 2000, now).block()).isEqualTo(new Pace(Pace.Status.GO, 1000, false));
		assertThat(store.pace(account, 10, 2000, now).block()).isEqualTo(new Pace(Pace.Status.GO, 2000, false));
		assertThat(store.pace(account, 10, 2000, now).block()).isEqualTo(new Pace(Pace.Status.REFUSED, 3000, false));
	}

	@ParameterizedTest
	@MethodSource("stores")
	void holdsCallsToAnAccountCoolingDownFromA429(Supplier<QuotaStore> stores) {
		QuotaStore store = stores.get();
		Account account = new Account("sf:m:abc", 0, 0);
		long now = System.currentTimeMillis();
		store.coolDown(account, 5000, now).block();
		Pace pace = store.pace(account, 1, 0, now).block();
		assertThat(pace.status()).isEqualTo(Pace.Status.COOLING);
		assertThat(pace.millis()).isBetween(1L, 5000L);
	}

	@org.junit.jupiter.api.Test
	void keepsEveryKeyOfATenantInOneClusterSlotAndLetsItExpire() {
		TenantLimits limits = new TenantLimits("team", 10, 1000, 5000, 50000);
		redisStore().admit(limits, 10, Periods.at(Instant.now())).block();
		String keys = redis.command("KEYS *");
		assertThat(keys).isEqualTo("*4");
		for (String what : List.of("rpm", "tpm", "day:" + Periods.at(Instant.now()).day(),
				"month:" + Periods.at(Instant.now()).month())) {
			String key = RedisQuotaStore.tenantKey("team", what);
			assertThat(key).startsWith("eg:{t:team}:");
			assertThat(Long.parseLong(redis.command("PTTL " + key).substring(1))).isPositive();
		}
	}

}
