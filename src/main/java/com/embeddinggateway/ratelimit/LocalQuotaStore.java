package com.embeddinggateway.ratelimit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Mono;

/**
 * Quota state in this replica's memory: the store without Redis, and the one a replica
 * falls back on when Redis fails and {@code fail-open} is on. Its state is bounded by the
 * configuration: one entry per tenant with limits and per account in use.
 */
final class LocalQuotaStore implements QuotaStore {

	private final Map<String, TenantState> tenants = new ConcurrentHashMap<>();

	private final Map<String, AccountState> accounts = new ConcurrentHashMap<>();

	@Override
	public Mono<Quota> admit(TenantLimits limits, long tokens, Periods periods) {
		TenantState state = this.tenants.computeIfAbsent(limits.tenant(), (id) -> new TenantState());
		synchronized (state) {
			return Mono.just(state.admit(limits, tokens, periods));
		}
	}

	@Override
	public Mono<Void> correct(TenantLimits limits, long tokens, Periods periods) {
		TenantState state = this.tenants.computeIfAbsent(limits.tenant(), (id) -> new TenantState());
		synchronized (state) {
			state.correct(limits, tokens, periods);
		}
		return Mono.empty();
	}

	@Override
	public Mono<Pace> pace(Account account, long tokens, long maxWaitMillis, long now) {
		AccountState state = this.accounts.computeIfAbsent(account.id(), (id) -> new AccountState());
		synchronized (state) {
			return Mono.just(state.pace(account, tokens, maxWaitMillis, now));
		}
	}

	@Override
	public Mono<Void> correct(Account account, long tokens, long now) {
		AccountState state = this.accounts.computeIfAbsent(account.id(), (id) -> new AccountState());
		synchronized (state) {
			if (account.tokensPerMinute() > 0) {
				state.tokens = Gcra.correct(state.tokens, now, account.tokensPerMinute(), tokens);
			}
		}
		return Mono.empty();
	}

	@Override
	public Mono<Void> coolDown(Account account, long millis, long now) {
		AccountState state = this.accounts.computeIfAbsent(account.id(), (id) -> new AccountState());
		synchronized (state) {
			state.coolingUntil = Math.max(state.coolingUntil, now + millis);
		}
		return Mono.empty();
	}

	private static final class TenantState {

		private double requests;

		private double tokens;

		private String day = "";

		private long dayUsed;

		private String month = "";

		private long monthUsed;

		Quota admit(TenantLimits limits, long tokensWanted, Periods periods) {
			long now = periods.nowMillis();
			roll(periods);
			Gcra.Take requestsTake = (limits.requestsPerMinute() > 0)
					? Gcra.take(this.requests, now, limits.requestsPerMinute(), 1) : null;
			Gcra.Take tokensTake = (limits.tokensPerMinute() > 0)
					? Gcra.take(this.tokens, now, limits.tokensPerMinute(), tokensWanted) : null;
			Verdict verdict = Verdict.ADMITTED;
			long retry = 0;
			if (limits.tokensPerMonth() > 0 && this.monthUsed + tokensWanted > limits.tokensPerMonth()) {
				verdict = Verdict.MONTH;
			}
			else if (limits.tokensPerDay() > 0 && this.dayUsed + tokensWanted > limits.tokensPerDay()) {
				verdict = Verdict.DAY;
			}
			else if (tokensTake != null && tokensTake.waitMillis() == Gcra.NEVER) {
				verdict = Verdict.TOO_LARGE;
			}
			else {
				if (requestsTake != null && !requestsTake.allowed()) {
					verdict = Verdict.REQUESTS;
					retry = requestsTake.waitMillis();
				}
				if (tokensTake != null && !tokensTake.allowed() && tokensTake.waitMillis() > retry) {
					verdict = Verdict.TOKENS;
					retry = tokensTake.waitMillis();
				}
			}
			if (verdict == Verdict.ADMITTED) {
				this.requests = (requestsTake != null) ? requestsTake.tat() : this.requests;
				this.tokens = (tokensTake != null) ? tokensTake.tat() : this.tokens;
				this.dayUsed += tokensWanted;
				this.monthUsed += tokensWanted;
			}
			return new Quota(verdict, retry, (requestsTake != null) ? requestsTake.remaining() : 0,
					(requestsTake != null) ? requestsTake.resetMillis() : 0,
					(tokensTake != null) ? tokensTake.remaining() : 0,
					(tokensTake != null) ? tokensTake.resetMillis() : 0, this.dayUsed, this.monthUsed);
		}

		void correct(TenantLimits limits, long tokensSpent, Periods periods) {
			roll(periods);
			if (limits.tokensPerMinute() > 0) {
				this.tokens = Gcra.correct(this.tokens, periods.nowMillis(), limits.tokensPerMinute(), tokensSpent);
			}
			this.dayUsed = Math.max(0, this.dayUsed + tokensSpent);
			this.monthUsed = Math.max(0, this.monthUsed + tokensSpent);
		}

		private void roll(Periods periods) {
			if (!periods.day().equals(this.day)) {
				this.day = periods.day();
				this.dayUsed = 0;
			}
			if (!periods.month().equals(this.month)) {
				this.month = periods.month();
				this.monthUsed = 0;
			}
		}

	}

	private static final class AccountState {

		private double requests;

		private double tokens;

		private long coolingUntil;

		Pace pace(Account account, long tokensWanted, long maxWait, long now) {
			if (this.coolingUntil > now) {
				return new Pace(Pace.Status.COOLING, this.coolingUntil - now, false);
			}
			Gcra.Take requestsTake = (account.requestsPerMinute() > 0)
					? Gcra.take(this.requests, now, account.requestsPerMinute(), 1) : null;
			Gcra.Take tokensTake = (account.tokensPerMinute() > 0)
					? Gcra.take(this.tokens, now, account.tokensPerMinute(), tokensWanted) : null;
			long requestsWait = (requestsTake != null) ? requestsTake.waitMillis() : 0;
			long tokensWait = (tokensTake != null) ? tokensTake.waitMillis() : 0;
			if (tokensWait == Gcra.NEVER) {
				return new Pace(Pace.Status.REFUSED, Gcra.NEVER, true);
			}
			if (tokensWait > maxWait) {
				return new Pace(Pace.Status.REFUSED, Math.max(tokensWait, requestsWait), true);
			}
			if (requestsWait > maxWait) {
				return new Pace(Pace.Status.REFUSED, requestsWait, false);
			}
			// Within the wait allowed: reserve now, as if the call were sent when it
			// fits, so that callers queue in order instead of all retrying at once.
			if (requestsTake != null) {
				this.requests = Gcra.reserve(this.requests, now, account.requestsPerMinute(), 1);
			}
			if (tokensTake != null) {
				this.tokens = Gcra.reserve(this.tokens, now, account.tokensPerMinute(), tokensWanted);
			}
			return new Pace(Pace.Status.GO, Math.max(requestsWait, tokensWait), false);
		}

	}

}
