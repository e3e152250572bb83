package com.embeddinggateway.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.embeddinggateway.catalog.CatalogProperties;
import com.embeddinggateway.catalog.Deployment;
import com.embeddinggateway.metrics.GatewayMetrics;
import com.embeddinggateway.upstream.ApiKey;
import com.embeddinggateway.upstream.UpstreamCall;
import com.embeddinggateway.upstream.UpstreamFailure;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.stereotype.Component;

/**
 * Upstream account budgets, per (upstream key, deployment): SiliconFlow limits requests
 * and tokens per minute per account and model, whichever key or replica sends the call. A
 * call is paced to stay inside its account's budget (a wait of at most
 * {@code gateway.rate-limit.upstream-max-wait}, else 429 to the caller) instead of
 * finding the limit through upstream 429s; a 429 one replica receives makes every replica
 * hold calls to that account and deployment for the cooldown.
 * <p>
 * A call's tokens are estimated from its texts (one per four characters, at least one per
 * word) and corrected by the upstream's {@code usage}. For an account without configured
 * limits only the cooldown is shared; each replica reads it at most once per
 * {@link #COOLDOWN_REFRESH_MILLIS}, so a 429 reaches the others within that time at no
 * cost per call.
 */
@Component
public class AccountBudgets {

	static final long COOLDOWN_REFRESH_MILLIS = 100;

	private final Map<Deployment, CatalogProperties.AccountLimits> limits = new HashMap<>();

	private final Map<AccountKey, Entry> accounts = new ConcurrentHashMap<>();

	private final QuotaStore store;

	private final boolean shared;

	private final long maxWaitMillis;

	private final Clock clock;

	private final GatewayMetrics metrics;

	AccountBudgets(CatalogProperties catalog, QuotaStore store, RateLimitProperties properties, Clock clock,
			GatewayMetrics metrics) {
		for (CatalogProperties.Model model : catalog.models()) {
			if (model.deployments() == null) {
				continue;
			}
			for (CatalogProperties.DeploymentEntry entry : model.deployments()) {
				if (entry.limits() != null) {
					// One account budget per upstream model, whichever catalog model
					// declares it: the tighter declaration wins.
					this.limits.merge(entry.deployment(model.name()), entry.limits(), AccountBudgets::tighter);
				}
			}
		}
		this.store = store;
		this.shared = store instanceof SharedQuotaStore;
		this.maxWaitMillis = properties.rateLimit().upstreamMaxWait().toMillis();
		this.clock = clock;
		this.metrics = metrics;
	}

	/**
	 * Budgets in this replica's memory with the default settings, for a
	 * {@code ResilientUpstream} built outside Spring.
	 */
	public static AccountBudgets inMemory(CatalogProperties catalog, GatewayMetrics metrics) {
		return new AccountBudgets(catalog, new LocalQuotaStore(),
				new RateLimitProperties(new RateLimitProperties.RateLimit(Duration.ofMillis(100), true,
						Duration.ofSeconds(2), Duration.ofSeconds(60)), "CNY"),
				Clock.systemUTC(), metrics);
	}

	private static CatalogProperties.AccountLimits tighter(CatalogProperties.AccountLimits a,
			CatalogProperties.AccountLimits b) {
		return new CatalogProperties.AccountLimits(min(a.requestsPerMinute(), b.requestsPerMinute()),
				min(a.tokensPerMinute(), b.tokensPerMinute()));
	}

	private static <T extends Comparable<T>> T min(T a, T b) {
		if (a == null) {
			return b;
		}
		return (b == null || a.compareTo(b) <= 0) ? a : b;
	}

	/**
	 * Whether calls to {@code target} with {@code apiKey} go through {@link #beforeCall}:
	 * when the account has limits, or its cooldowns are shared through Redis. One replica
	 * without limits honours its own cooldowns where the 429 arrives, and its calls skip
	 * this step.
	 */
	public boolean paces(Deployment target, ApiKey apiKey) {
		return this.shared || entry(target, apiKey).account.limited();
	}

	/**
	 * Completes when {@code call} may go to {@code target}: at once, or after a short
	 * wait for the account's budget. Fails with {@link UpstreamBudgetExceededException}
	 * when the wait would be longer than allowed, and with a
	 * {@link UpstreamFailure.RateLimited} when the account cools down from a 429 another
	 * replica received.
	 */
	public Mono<Void> beforeCall(Deployment target, UpstreamCall call) {
		Entry entry = entry(target, call.apiKey());
		Account account = entry.account;
		long now = this.clock.millis();
		if (!account.limited()) {
			if (!this.shared) {
				// One replica: its own cooldowns are already honoured where the 429
				// arrives.
				return Mono.empty();
			}
			if (now - entry.checkedMillis < COOLDOWN_REFRESH_MILLIS) {
				return (entry.coolingUntilMillis > now) ? Mono.error(cooling(target, entry.coolingUntilMillis - now))
						: Mono.empty();
			}
			return this.store.pace(account, 0, 0, now).onErrorResume((error) -> Mono.just(Pace.GO)).flatMap((pace) -> {
				entry.checkedMillis = now;
				entry.coolingUntilMillis = (pace.status() == Pace.Status.COOLING) ? now + pace.millis() : 0;
				return (pace.status() == Pace.Status.COOLING) ? Mono.error(cooling(target, pace.millis()))
						: Mono.empty();
			});
		}
		long tokens = TokenEstimate.estimate(call.inputs());
		return this.store.pace(account, tokens, this.maxWaitMillis, now).flatMap((pace) -> switch (pace.status()) {
			case GO -> {
				if (pace.millis() <= 0) {
					yield Mono.<Void>empty();
				}
				this.metrics.upstreamBudgetWait(target.upstream(), target.model(), pace.millis());
				yield Mono.delay(Duration.ofMillis(pace.millis()), Schedulers.parallel()).then();
			}
			case COOLING -> Mono.error(cooling(target, pace.millis()));
			case REFUSED -> {
				this.metrics.upstreamBudgetRefused(target.upstream(), target.model());
				yield Mono.error(refused(target, account, pace));
			}
		});
	}

	/** {@code call} succeeded; the upstream counted {@code promptTokens}. */
	public void afterCall(Deployment target, UpstreamCall call, long promptTokens) {
		Account account = entry(target, call.apiKey()).account;
		if (account.tokensPerMinute() <= 0) {
			return;
		}
		long correction = promptTokens - TokenEstimate.estimate(call.inputs());
		if (correction != 0) {
			this.store.correct(account, correction, this.clock.millis()).onErrorComplete().subscribe();
		}
	}

	/**
	 * The upstream answered 429 for {@code apiKey} at {@code target}: every replica holds
	 * its calls there for {@code cooldown}.
	 */
	public void rateLimited(Deployment target, ApiKey apiKey, Duration cooldown) {
		Entry entry = entry(target, apiKey);
		long now = this.clock.millis();
		entry.coolingUntilMillis = Math.max(entry.coolingUntilMillis, now + cooldown.toMillis());
		entry.checkedMillis = now;
		this.store.coolDown(entry.account, cooldown.toMillis(), now).onErrorComplete().subscribe();
	}

	private Entry entry(Deployment target, ApiKey apiKey) {
		return this.accounts.computeIfAbsent(new AccountKey(target, apiKey), (key) -> {
			CatalogProperties.AccountLimits of = this.limits.get(target);
			long rpm = (of != null && of.requestsPerMinute() != null) ? of.requestsPerMinute() : 0;
			long tpm = (of != null && of.tokensPerMinute() != null) ? of.tokensPerMinute() : 0;
			return new Entry(
					new Account(target.upstream() + ":" + target.model() + ":" + apiKey.fingerprint(), rpm, tpm));
		});
	}

	private static UpstreamFailure cooling(Deployment target, long millis) {
		return UpstreamFailure.RateLimited.learnedElsewhere(
				"Upstream " + target.upstream() + " is rate-limiting " + target.model()
						+ " for this account (a 429 received by this or another replica)",
				Duration.ofMillis(Math.max(1, millis)));
	}

	private static UpstreamBudgetExceededException refused(Deployment target, Account account, Pace pace) {
		String limit = pace.tokens() ? "tokens per min (TPM): Limit " + account.tokensPerMinute()
				: "requests per min (RPM): Limit " + account.requestsPerMinute();
		if (pace.millis() == Gcra.NEVER) {
			return new UpstreamBudgetExceededException("Request too large for the upstream account's budget for "
					+ target.model() + " on " + limit + ". Send fewer or shorter inputs per request.", true, null);
		}
		return new UpstreamBudgetExceededException(
				"Rate limit reached for the upstream account's budget for " + target.model() + " on " + limit
						+ ". Please try again in " + RateLimitHeaders.duration(pace.millis()) + ".",
				pace.tokens(), Duration.ofMillis(pace.millis()));
	}

	private record AccountKey(Deployment deployment, ApiKey apiKey) {
	}

	/** An account and, for one without limits, what this replica last read of it. */
	private static final class Entry {

		final Account account;

		volatile long checkedMillis = Long.MIN_VALUE / 2;

		volatile long coolingUntilMillis;

		Entry(Account account) {
			this.account = account;
		}

	}

}
