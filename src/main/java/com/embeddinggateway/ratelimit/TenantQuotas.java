package com.embeddinggateway.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.embeddinggateway.catalog.CatalogProperties;
import com.embeddinggateway.catalog.ModelSpec;
import com.embeddinggateway.catalog.TokenCounter;
import com.embeddinggateway.metrics.GatewayMetrics;
import com.embeddinggateway.tenancy.TenancyProperties;
import com.embeddinggateway.tenancy.Tenant;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.stereotype.Component;

/**
 * Admits a request against its tenant's limits before any upstream call: one request and
 * its tokens (counted exactly where the catalog can, estimated elsewhere) against
 * requests and tokens per minute, and the tokens against the day and month budgets (UTC),
 * which stop the tenant hard until their period ends. The {@link Admission} it gives
 * books what the upstream's {@code usage} says was spent, and the request's cost.
 */
@Component
public class TenantQuotas {

	private final Map<String, TenantLimits> limits = new HashMap<>();

	private final Map<String, Double> pricePerMillionTokens = new HashMap<>();

	private final QuotaStore store;

	private final Clock clock;

	private final TokenCounter counter;

	private final GatewayMetrics metrics;

	private final String currency;

	TenantQuotas(TenancyProperties tenants, CatalogProperties catalog, RateLimitProperties properties, QuotaStore store,
			Clock clock, TokenCounter counter, GatewayMetrics metrics) {
		for (TenancyProperties.Tenant tenant : tenants.tenants()) {
			TenantLimits of = TenantLimits.of(tenant.id(), tenant.limits());
			if (of != null) {
				this.limits.put(tenant.id(), of);
				metrics.budgets(tenant.id(), of.tokensPerDay(), of.tokensPerMonth());
			}
		}
		for (CatalogProperties.Model model : catalog.models()) {
			if (model.pricePerMillionTokens() != null && model.pricePerMillionTokens() > 0) {
				this.pricePerMillionTokens.put(model.name(), model.pricePerMillionTokens());
			}
		}
		this.store = store;
		this.clock = clock;
		this.counter = counter;
		this.metrics = metrics;
		this.currency = properties.currency();
	}

	/**
	 * Admits the request or fails with {@link RateLimitExceededException} (after giving
	 * the refusal's headers to {@code headers}), or with
	 * {@link QuotaStoreUnavailableException} when Redis fails and failing closed.
	 */
	public Mono<Admission> admit(Tenant tenant, ModelSpec model, List<String> inputs, HeaderSink headers) {
		TenantLimits of = this.limits.get(tenant.id());
		if (of == null) {
			return Mono.just(new Admission(this, tenant.id(), model.name(), null, 0));
		}
		if (!of.countsTokens()) {
			return admit(of, model, 0, headers);
		}
		if (!TokenEstimate.countsExactly(this.counter, model.name())) {
			return admit(of, model, TokenEstimate.estimate(inputs), headers);
		}
		if (TokenEstimate.characters(inputs) <= TokenEstimate.EXACT_INLINE_CHARS) {
			return admit(of, model, TokenEstimate.exact(this.counter, model.name(), inputs), headers);
		}
		return Mono.fromCallable(() -> TokenEstimate.exact(this.counter, model.name(), inputs))
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap((tokens) -> admit(of, model, tokens, headers));
	}

	private Mono<Admission> admit(TenantLimits of, ModelSpec model, long tokens, HeaderSink headers) {
		Periods periods = Periods.at(this.clock.instant());
		return this.store.admit(of, tokens, periods).map((quota) -> {
			RateLimitHeaders.write(headers, of, quota, periods);
			this.metrics.budgetUsed(of.tenant(), quota.dayUsed(), quota.monthUsed());
			if (quota.verdict() != Verdict.ADMITTED) {
				this.metrics.quotaRejected(of.tenant(), quota.verdict().kind());
				throw refusal(of, quota, tokens, periods);
			}
			return new Admission(this, of.tenant(), model.name(), of, tokens);
		});
	}

	private static RateLimitExceededException refusal(TenantLimits of, Quota quota, long tokens, Periods periods) {
		String tenant = "tenant " + of.tenant();
		return switch (quota.verdict()) {
			case REQUESTS -> new RateLimitExceededException(
					"Rate limit reached for " + tenant + " on requests per min (RPM): Limit " + of.requestsPerMinute()
							+ ", Requested 1. Please try again in "
							+ RateLimitHeaders.duration(quota.retryAfterMillis()) + ".",
					false, Duration.ofMillis(quota.retryAfterMillis()));
			case TOKENS -> new RateLimitExceededException(
					"Rate limit reached for " + tenant + " on tokens per min (TPM): Limit " + of.tokensPerMinute()
							+ ", Remaining " + quota.tokensRemaining() + ", Requested " + tokens
							+ ". Please try again in " + RateLimitHeaders.duration(quota.retryAfterMillis()) + ".",
					true, Duration.ofMillis(quota.retryAfterMillis()));
			case TOO_LARGE -> new RateLimitExceededException(
					"Request too large for " + tenant + " on tokens per min (TPM): Limit " + of.tokensPerMinute()
							+ ", Requested " + tokens + ". Send fewer or shorter inputs per request.",
					true, null);
			case DAY -> budgetSpent(tenant, "day", of.tokensPerDay(), quota.dayUsed(), tokens, periods.nowMillis(),
					periods.dayEndMillis());
			case MONTH -> budgetSpent(tenant, "month", of.tokensPerMonth(), quota.monthUsed(), tokens,
					periods.nowMillis(), periods.monthEndMillis());
			case ADMITTED -> throw new IllegalStateException("admitted");
		};
	}

	/**
	 * A spent budget: honest about when it ends. A {@code retry-after} only when that is
	 * within a minute (openai-node ignores longer ones), else {@code x-should-retry:
	 * false}.
	 */
	private static RateLimitExceededException budgetSpent(String tenant, String period, long limit, long used,
			long tokens, long now, long endMillis) {
		long left = endMillis - now;
		String message = "The " + period + "'s token budget of " + tenant + " is exhausted until the end of the "
				+ period + " (UTC): Limit " + limit + ", Used " + used + ", Requested " + tokens + ". It resets at "
				+ Instant.ofEpochMilli(endMillis) + ".";
		return new RateLimitExceededException(message, true,
				(left <= RateLimitHeaders.MAX_RETRY_AFTER_MILLIS) ? Duration.ofMillis(left) : null);
	}

	void settle(Admission admission, long spent) {
		Double price = this.pricePerMillionTokens.get(admission.model);
		if (price != null && spent > 0) {
			this.metrics.cost(admission.tenant, admission.model, this.currency, spent * price / 1_000_000);
		}
		book(admission, spent - admission.tokens);
	}

	void book(Admission admission, long tokens) {
		TenantLimits of = admission.limits;
		if (of == null || !of.countsTokens() || tokens == 0) {
			return;
		}
		this.store.correct(of, tokens, Periods.at(this.clock.instant())).onErrorComplete().subscribe();
	}

	/** Receives the {@code x-ratelimit-*} headers of an answer. */
	@FunctionalInterface
	public interface HeaderSink {

		void set(String name, String value);

	}

}
