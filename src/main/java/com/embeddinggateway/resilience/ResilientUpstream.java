package com.embeddinggateway.resilience;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

import com.embeddinggateway.catalog.Deployment;
import com.embeddinggateway.catalog.ModelSpec;
import com.embeddinggateway.metrics.GatewayMetrics;
import com.embeddinggateway.observability.RequestTrail;
import com.embeddinggateway.observability.RequestTracing;
import com.embeddinggateway.observability.UpstreamSpan;
import com.embeddinggateway.ratelimit.AccountBudgets;
import com.embeddinggateway.ratelimit.UpstreamBudgetExceededException;
import com.embeddinggateway.upstream.ApiKey;
import com.embeddinggateway.upstream.EmbeddingUpstream;
import com.embeddinggateway.upstream.UpstreamBatch;
import com.embeddinggateway.upstream.UpstreamCall;
import com.embeddinggateway.upstream.UpstreamFailure;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Signal;
import reactor.core.publisher.SignalType;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * One upstream call made resilient, as explicit Reactor operators in one place:
 * <ol>
 * <li>pick the first deployment of the model whose breaker is not open and that is not
 * cooling down from a 429 for this upstream key;</li>
 * <li>wait for the upstream account's budget ({@link AccountBudgets}: shared by all
 * replicas, as are its 429 cooldowns);</li>
 * <li>wait for a slot of that upstream key and model's {@link AdaptiveConcurrency};</li>
 * <li>make the call through the deployment's circuit breaker, cancelled when it takes
 * longer than {@code attempt-timeout};</li>
 * <li>on a transient failure, spill over to another deployment at once if one is
 * available, else back off and retry, while attempts, the deadline and the upstream's
 * {@link RetryBudget} allow.</li>
 * </ol>
 * Retrying this POST is safe: an embedding is a pure function of its input, so a repeated
 * call can only produce the same vectors, never a duplicate side effect.
 */
@Component
public class ResilientUpstream {

	private final EmbeddingUpstream upstream;

	private final ResilienceProperties properties;

	private final Scheduler scheduler;

	private final Backoff backoff;

	private final CircuitBreakerRegistry breakers;

	private final Map<String, Long> openedAtNanos = new ConcurrentHashMap<>();

	private final Map<String, RetryBudget> budgets = new ConcurrentHashMap<>();

	private final Map<PacingKey, AdaptiveConcurrency> pacers = new ConcurrentHashMap<>();

	/** Deployments whose pacing gauges are registered. */
	private final Set<Deployment> paced = ConcurrentHashMap.newKeySet();

	private final Map<PacingKey, WaitingCalls> waiting = new ConcurrentHashMap<>();

	private final Map<PacingKey, Long> rateLimitedUntilMillis = new ConcurrentHashMap<>();

	private final Map<Deployment, CircuitBreaker> breakerOf = new ConcurrentHashMap<>();

	private final GatewayMetrics metrics;

	private final RequestTracing tracing;

	private final AccountBudgets accounts;

	private final long slowCallNanos;

	@Autowired
	public ResilientUpstream(EmbeddingUpstream upstream, ResilienceProperties properties, GatewayMetrics metrics,
			MeterRegistry registry, RequestTracing tracing, AccountBudgets accounts) {
		this(upstream, properties, metrics, tracing, accounts, Schedulers.parallel(),
				() -> ThreadLocalRandom.current().nextDouble());
		TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(this.breakers).bindTo(registry);
	}

	ResilientUpstream(EmbeddingUpstream upstream, ResilienceProperties properties, GatewayMetrics metrics,
			RequestTracing tracing, AccountBudgets accounts, Scheduler scheduler, DoubleSupplier random) {
		this.upstream = upstream;
		this.properties = properties;
		this.metrics = metrics;
		this.tracing = tracing;
		this.accounts = accounts;
		this.scheduler = scheduler;
		this.backoff = new Backoff(properties.retry().baseDelay(), properties.retry().maxDelay(), random);
		this.slowCallNanos = slowCall(properties).toNanos();
		this.breakers = CircuitBreakerRegistry.of(breakerConfig(properties.breaker(), slowCall(properties)));
	}

	private static Duration slowCall(ResilienceProperties properties) {
		Duration threshold = properties.breaker().slowCallDurationThreshold();
		return (threshold != null) ? threshold : properties.attemptTimeout().multipliedBy(3).dividedBy(4);
	}

	/**
	 * Each failure kind says whether it counts
	 * ({@link UpstreamFailure#isBreakerFailure()}: 5xx, timeouts, broken connections,
	 * garbage answers). Everything else is ignored, explicitly: Resilience4j counts an
	 * error that it neither records nor ignores as a success, which let garbage answers
	 * keep a breaker closed. A 429 is the upstream pacing us, not failing, so it neither
	 * opens nor closes a breaker; other 4xx are answers from a healthy upstream. A call
	 * slower than {@code slowCall} counts as slow, so an upstream that answers nothing
	 * opens the breaker even when every caller's deadline is shorter than the attempt
	 * timeout.
	 */
	private static CircuitBreakerConfig breakerConfig(ResilienceProperties.Breaker breaker, Duration slowCall) {
		return CircuitBreakerConfig.custom()
			.failureRateThreshold(breaker.failureRateThreshold())
			.slowCallRateThreshold(breaker.slowCallRateThreshold())
			.slowCallDurationThreshold(slowCall)
			.slidingWindowSize(breaker.slidingWindowSize())
			.minimumNumberOfCalls(breaker.minimumNumberOfCalls())
			.waitDurationInOpenState(breaker.waitInOpenState())
			.permittedNumberOfCallsInHalfOpenState(breaker.permittedCallsInHalfOpenState())
			.recordException(ResilientUpstream::isBreakerFailure)
			.ignoreException((error) -> !isBreakerFailure(error))
			.build();
	}

	private static boolean isBreakerFailure(Throwable error) {
		return error instanceof UpstreamFailure failure && failure.isBreakerFailure();
	}

	/** Embeds {@code call}'s inputs with one of {@code model}'s deployments. */
	public Mono<UpstreamBatch> embed(ModelSpec model, UpstreamCall call, Deadline deadline) {
		return Mono.defer(() -> {
			budget(model.primary().upstream()).recordAttempt();
			return attempt(model, call, deadline, 1);
		});
	}

	private Mono<UpstreamBatch> attempt(ModelSpec model, UpstreamCall call, Deadline deadline, int number) {
		return Mono.deferContextual((context) -> {
			Deployment target = choose(model, call.apiKey());
			RequestTrail trail = RequestTrail.in(context);
			return once(model, target, call.at(target.upstream(), target.model()), trail)
				.onErrorResume((error) -> afterFailure(model, call, deadline, number, target, error, trail));
		});
	}

	private Mono<UpstreamBatch> once(ModelSpec model, Deployment target, UpstreamCall call,
			@Nullable RequestTrail trail) {
		Mono<UpstreamBatch> paced = this.accounts.paces(target, call.apiKey())
				? this.accounts.beforeCall(target, call).then(Mono.defer(() -> slotted(model, target, call, trail)))
				: slotted(model, target, call, trail);
		return paced.doOnNext((batch) -> this.accounts.afterCall(target, call, batch.promptTokens()));
	}

	/**
	 * The call with a slot of its upstream key and deployment's pacer: at once if one is
	 * free, else in line, merged with the other calls waiting for the same account and
	 * deployment when the model's batch size allows ({@link WaitingCalls}).
	 */
	private Mono<UpstreamBatch> slotted(ModelSpec model, Deployment target, UpstreamCall call,
			@Nullable RequestTrail trail) {
		PacingKey key = new PacingKey(target, call.apiKey());
		AdaptiveConcurrency pacer = pacer(target, call.apiKey());
		if (this.paced.add(target)) {
			this.metrics.pacing(target.upstream(), target.model(), () -> pacingLimit(target),
					() -> pacingInFlight(target));
		}
		AdaptiveConcurrency.Permit now = pacer.tryAcquire();
		if (now != null) {
			return guarded(target, call, now, trail);
		}
		Mono<UpstreamBatch> alone = pacer.acquire().flatMap((permit) -> guarded(target, call, permit, trail));
		if (!this.properties.pacing().mergeWaitingCalls() || call.inputs().size() >= model.maxBatchSize()) {
			return alone;
		}
		return this.waiting
			.computeIfAbsent(key,
					(k) -> new WaitingCalls(pacer,
							(calls) -> this.metrics.mergedCall(target.upstream(), target.model(), calls)))
			.join(call, model.maxBatchSize(), (merged, permit) -> guarded(target, merged, permit, trail))
			.onErrorResume(WaitingCalls.Unmerged.class, (unmerged) -> alone);
	}

	/**
	 * The lowest limit among the accounts (upstream keys) calling {@code deployment}: the
	 * most throttled one is the one to watch.
	 */
	private int pacingLimit(Deployment deployment) {
		int lowest = Integer.MAX_VALUE;
		for (Map.Entry<PacingKey, AdaptiveConcurrency> pacer : this.pacers.entrySet()) {
			if (pacer.getKey().deployment().equals(deployment)) {
				lowest = Math.min(lowest, pacer.getValue().limit());
			}
		}
		return (lowest != Integer.MAX_VALUE) ? lowest : this.properties.pacing().maxConcurrency();
	}

	private int pacingInFlight(Deployment deployment) {
		int inFlight = 0;
		for (Map.Entry<PacingKey, AdaptiveConcurrency> pacer : this.pacers.entrySet()) {
			if (pacer.getKey().deployment().equals(deployment)) {
				inFlight += pacer.getValue().inFlight();
			}
		}
		return inFlight;
	}

	private AdaptiveConcurrency pacer(Deployment target, ApiKey apiKey) {
		return this.pacers.computeIfAbsent(new PacingKey(target, apiKey),
				(key) -> new AdaptiveConcurrency(this.properties.pacing().minConcurrency(),
						this.properties.pacing().maxConcurrency(), System::nanoTime));
	}

	/**
	 * The call through the deployment's breaker, holding {@code permit} until it ends.
	 * The breaker, the pacer, the metrics and the call's span all learn the outcome from
	 * one signal.
	 */
	private Mono<UpstreamBatch> guarded(Deployment target, UpstreamCall call, AdaptiveConcurrency.Permit permit,
			@Nullable RequestTrail trail) {
		CircuitBreaker breaker = breaker(target);
		if (!breaker.tryAcquirePermission()) {
			permit.release();
			return Mono.error(circuitOpen(target));
		}
		if (trail != null) {
			trail.upstreamCall();
		}
		UpstreamSpan span = this.tracing.upstreamCall(trail, target.upstream(), target.model(), call.inputs().size());
		CallOutcome outcome = new CallOutcome(target, breaker, permit, span);
		this.metrics.upstreamInputs(target.upstream(), target.model(), call.inputs().size());
		// Reactor Netty's response timeout only bounds the gap between two reads: an
		// upstream that trickles its answer would hold the call until the deadline.
		return this.upstream.embed(call)
			.contextWrite(span::into)
			.timeout(this.properties.attemptTimeout(), Mono.error(() -> attemptTimedOut(call)), this.scheduler)
			.doOnEach(outcome)
			.doFinally(outcome::ended);
	}

	private UpstreamFailure attemptTimedOut(UpstreamCall call) {
		return new UpstreamFailure.TimedOut("Upstream did not answer " + call.model() + " within "
				+ this.properties.attemptTimeout().toMillis() + " ms (gateway.resilience.attempt-timeout)", 0);
	}

	/** A fixed name per outcome, for metric tags. */
	static String outcome(Throwable error) {
		return (error instanceof UpstreamFailure failure) ? failure.outcome() : "error";
	}

	private Mono<UpstreamBatch> afterFailure(ModelSpec model, UpstreamCall call, Deadline deadline, int number,
			Deployment failed, Throwable error, @Nullable RequestTrail trail) {
		if ((error instanceof CircuitOpenException || error instanceof UpstreamBudgetExceededException)
				&& number < this.properties.retry().maxAttempts() && hasAlternative(model, failed, call.apiKey())) {
			spillover(model, failed, trail);
			return attempt(model, call, deadline, number + 1);
		}
		if (!(error instanceof UpstreamFailure failure)) {
			return Mono.error(error);
		}
		if (failure instanceof UpstreamFailure.RateLimited rateLimited) {
			Duration cooldown = (failure.retryAfter() != null) ? failure.retryAfter()
					: this.properties.retry().baseDelay();
			this.rateLimitedUntilMillis.put(new PacingKey(failed, call.apiKey()), now() + cooldown.toMillis());
			if (rateLimited.learnedElsewhere()) {
				// AIMD stays local, but starts from what the other replicas learned.
				pacer(failed, call.apiKey()).rateLimitedElsewhere();
			}
			else {
				this.accounts.rateLimited(failed, call.apiKey(), cooldown);
			}
		}
		if (!failure.isTransient() || number >= this.properties.retry().maxAttempts()) {
			return Mono.error(error);
		}
		if (failure.spillsOver() && hasAlternative(model, failed, call.apiKey())) {
			spillover(model, failed, trail);
			return attempt(model, call, deadline, number + 1);
		}
		Duration wait = this.backoff.delay(number, failure.retryAfter());
		if (!deadline.allows(wait.plus(this.properties.retry().minAttemptTime()))) {
			return Mono.error(error);
		}
		if (!budget(failed.upstream()).tryRetry()) {
			this.metrics.retryBudgetExhausted(failed.upstream());
			return Mono.error(error);
		}
		this.metrics.retry(failed.upstream(), failed.model(), failure.outcome());
		if (trail != null) {
			trail.retry();
		}
		return Mono.delay(wait, this.scheduler).then(attempt(model, call, deadline, number + 1));
	}

	private void spillover(ModelSpec model, Deployment from, @Nullable RequestTrail trail) {
		this.metrics.spillover(model.name(), from.model());
		if (trail != null) {
			trail.spillover();
		}
	}

	/**
	 * The first deployment that can take a call now; if none, the first whose breaker is
	 * not open (a rate-limited one is still worth a backed-off retry); if all are open,
	 * fail fast.
	 */
	private Deployment choose(ModelSpec model, ApiKey apiKey) {
		Deployment notOpen = null;
		for (Deployment deployment : model.deployments()) {
			if (isOpen(deployment)) {
				continue;
			}
			if (!isRateLimited(deployment, apiKey)) {
				return deployment;
			}
			if (notOpen == null) {
				notOpen = deployment;
			}
		}
		if (notOpen != null) {
			return notOpen;
		}
		throw circuitOpen(model.primary());
	}

	private boolean hasAlternative(ModelSpec model, Deployment failed, ApiKey apiKey) {
		for (Deployment deployment : model.deployments()) {
			if (!deployment.equals(failed) && !isOpen(deployment) && !isRateLimited(deployment, apiKey)) {
				return true;
			}
		}
		return false;
	}

	private boolean isOpen(Deployment deployment) {
		CircuitBreaker breaker = breaker(deployment);
		return breaker.getState() == CircuitBreaker.State.OPEN && timeLeftOpen(deployment).compareTo(Duration.ZERO) > 0;
	}

	private boolean isRateLimited(Deployment deployment, ApiKey apiKey) {
		Long until = this.rateLimitedUntilMillis.get(new PacingKey(deployment, apiKey));
		return until != null && until > now();
	}

	private CircuitOpenException circuitOpen(Deployment deployment) {
		return new CircuitOpenException("The circuit breaker for " + deployment.model() + " at " + deployment.upstream()
				+ " is open after repeated upstream failures; failing fast", timeLeftOpen(deployment));
	}

	private Duration timeLeftOpen(Deployment deployment) {
		Long openedAt = this.openedAtNanos.get(name(deployment));
		if (openedAt == null) {
			return Duration.ZERO;
		}
		Duration left = this.properties.breaker().waitInOpenState().minusNanos(System.nanoTime() - openedAt);
		return left.isNegative() ? Duration.ZERO : left;
	}

	private CircuitBreaker breaker(Deployment deployment) {
		return this.breakerOf.computeIfAbsent(deployment, (key) -> {
			String name = name(deployment);
			CircuitBreaker breaker = this.breakers.circuitBreaker(name);
			breaker.getEventPublisher().onStateTransition((event) -> {
				if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
					this.openedAtNanos.put(name, System.nanoTime());
				}
			});
			return breaker;
		});
	}

	/** The breakers, one per deployment, for metrics and tests. */
	public CircuitBreakerRegistry breakers() {
		return this.breakers;
	}

	private RetryBudget budget(String upstreamId) {
		return this.budgets.computeIfAbsent(upstreamId, (id) -> new RetryBudget(this.properties.retry().budgetRatio(),
				this.properties.retry().budgetMinRetries(), this.properties.retry().budgetWindow(), this::now));
	}

	private long now() {
		return this.scheduler.now(TimeUnit.MILLISECONDS);
	}

	private static String name(Deployment deployment) {
		return deployment.upstream() + ":" + deployment.model();
	}

	/**
	 * What one call's end means for its breaker, its pacer slot and the metrics. The slot
	 * is freed exactly once, whatever ends the call. A call cancelled before its answer
	 * (its request's deadline passed, another part of the request failed, the caller
	 * left) tells the breaker only how long it ran: past the slow-call threshold it
	 * counts as a slow call, otherwise it gives its permission back as if never made.
	 */
	private final class CallOutcome implements Consumer<Signal<UpstreamBatch>> {

		private final Deployment target;

		private final CircuitBreaker breaker;

		private final AdaptiveConcurrency.Permit permit;

		private final UpstreamSpan span;

		private final long startNanos = System.nanoTime();

		/** Set by the first of answer, failure or cancellation, which may race. */
		private final AtomicBoolean settled = new AtomicBoolean();

		CallOutcome(Deployment target, CircuitBreaker breaker, AdaptiveConcurrency.Permit permit, UpstreamSpan span) {
			this.target = target;
			this.breaker = breaker;
			this.permit = permit;
			this.span = span;
		}

		@Override
		public void accept(Signal<UpstreamBatch> signal) {
			if (!(signal.isOnNext() || signal.isOnError()) || !this.settled.compareAndSet(false, true)) {
				return;
			}
			long nanos = System.nanoTime() - this.startNanos;
			Throwable error = signal.getThrowable();
			if (error == null) {
				this.permit.succeeded();
				this.breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
				UpstreamBatch batch = signal.get();
				long tokens = (batch != null) ? batch.promptTokens() : 0;
				ResilientUpstream.this.metrics.upstreamCall(this.target.upstream(), this.target.model(), "success",
						nanos);
				ResilientUpstream.this.metrics.upstreamTokens(this.target.upstream(), this.target.model(), tokens);
				this.span.end("success", tokens);
				return;
			}
			if (error instanceof UpstreamFailure.RateLimited) {
				this.permit.rateLimited();
			}
			this.breaker.onError(nanos, TimeUnit.NANOSECONDS, error);
			String outcome = outcome(error);
			ResilientUpstream.this.metrics.upstreamCall(this.target.upstream(), this.target.model(), outcome, nanos);
			this.span.end(outcome, 0);
		}

		void ended(SignalType type) {
			if (type == SignalType.CANCEL && this.settled.compareAndSet(false, true)) {
				long nanos = System.nanoTime() - this.startNanos;
				if (nanos >= ResilientUpstream.this.slowCallNanos) {
					this.breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
				}
				else {
					this.breaker.releasePermission();
				}
				ResilientUpstream.this.metrics.upstreamCall(this.target.upstream(), this.target.model(), "cancelled",
						nanos);
				this.span.end("cancelled", 0);
			}
			this.permit.release();
		}

	}

	/**
	 * Pacing and 429 cooldowns follow the account: the upstream key in use, per
	 * deployment.
	 */
	private record PacingKey(Deployment deployment, ApiKey apiKey) {
	}

}
