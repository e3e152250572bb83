package com.embeddinggateway.resilience;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.embeddinggateway.catalog.Deployment;
import com.embeddinggateway.catalog.ModelSpec;
import com.embeddinggateway.catalog.CatalogProperties;
import com.embeddinggateway.metrics.GatewayMetrics;
import com.embeddinggateway.observability.RequestTracing;
import com.embeddinggateway.ratelimit.AccountBudgets;
import com.embeddinggateway.upstream.ApiKey;
import com.embeddinggateway.upstream.EmbeddingUpstream;
import com.embeddinggateway.upstream.UpstreamBatch;
import com.embeddinggateway.upstream.UpstreamCall;
import com.embeddinggateway.upstream.UpstreamFailure;
import com.embeddinggateway.upstream.UpstreamFailures;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Backoff and deadline arithmetic on virtual time: no test here sleeps. */
class ResilientUpstreamTests {

	static final ModelSpec MODEL = new ModelSpec("m", List.of(new Deployment("up", "m")), 32, 0, 0, List.of(),
			List.of());

	static final UpstreamCall CALL = new UpstreamCall("up", "m", List.of("x"), null, 3, ApiKey.none(), "req");

	static final UpstreamBatch BATCH = UpstreamFailures.batch();

	final AtomicInteger calls = new AtomicInteger();

	@Test
	void backsOffOneThenTwoSecondsBeforeSucceeding() {
		EmbeddingUpstream upstream = answers(overloaded(), overloaded(), Mono.just(BATCH));

		StepVerifier.withVirtualTime(() -> resilient(upstream).embed(MODEL, CALL, deadline(Duration.ofSeconds(60))))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(2999))
			.thenAwait(Duration.ofMillis(1))
			.expectNext(BATCH)
			.verifyComplete();
		assertThat(this.calls).hasValue(3);
	}

	@Test
	void startsNoRetryThatCannotFinishBeforeTheDeadline() {
		EmbeddingUpstream upstream = answers(overloaded(), overloaded(), Mono.just(BATCH));

		StepVerifier.withVirtualTime(() -> resilient(upstream).embed(MODEL, CALL, deadline(Duration.ofMillis(2500))))
			.expectSubscription()
			.thenAwait(Duration.ofSeconds(1))
			.expectError(UpstreamFailure.Overloaded.class)
			.verify();
		assertThat(this.calls).as("the second retry would end at 3 s, past the 2.5 s deadline").hasValue(2);
	}

	@Test
	void waitsForTheUpstreamsRetryAfterEvenWhenBackoffIsShorter() {
		EmbeddingUpstream upstream = answers(Mono.error(UpstreamFailures.rateLimited(Duration.ofSeconds(5))),
				Mono.just(BATCH));

		StepVerifier.withVirtualTime(() -> resilient(upstream).embed(MODEL, CALL, deadline(Duration.ofSeconds(60))))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(4999))
			.thenAwait(Duration.ofMillis(1))
			.expectNext(BATCH)
			.verifyComplete();
	}

	@Test
	void givesUpAfterMaxAttempts() {
		EmbeddingUpstream upstream = answers(overloaded(), overloaded(), overloaded(), overloaded(), overloaded());

		StepVerifier.withVirtualTime(() -> resilient(upstream).embed(MODEL, CALL, deadline(Duration.ofSeconds(60))))
			.expectSubscription()
			.thenAwait(Duration.ofSeconds(30))
			.expectError(UpstreamFailure.Overloaded.class)
			.verify();
		assertThat(this.calls).hasValue(4);
	}

	@Test
	void doesNotRetryWhatWillNotRecover() {
		EmbeddingUpstream upstream = answers(Mono.error(UpstreamFailures.badResponse()), Mono.just(BATCH));

		StepVerifier.withVirtualTime(() -> resilient(upstream).embed(MODEL, CALL, deadline(Duration.ofSeconds(60))))
			.expectError(UpstreamFailure.BadResponse.class)
			.verify();
		assertThat(this.calls).hasValue(1);
	}

	@Test
	void deadlineCountsDownOnTheSchedulersClock() {
		VirtualTimeScheduler clock = VirtualTimeScheduler.create();
		Deadline deadline = Deadline.after(Duration.ofSeconds(5), clock);

		clock.advanceTimeBy(Duration.ofSeconds(2));
		assertThat(deadline.remaining()).isEqualTo(Duration.ofSeconds(3));
		assertThat(deadline.allows(Duration.ofMillis(2999))).isTrue();
		assertThat(deadline.allows(Duration.ofSeconds(3))).isFalse();

		clock.advanceTimeBy(Duration.ofSeconds(10));
		assertThat(deadline.remaining()).isZero();
	}

	@Test
	void aCancelledCallFreesItsSlotAndGivesItsBreakerPermissionBack() {
		ResilientUpstream resilient = resilient(answers(Mono.never(), Mono.just(BATCH)), 1);

		StepVerifier.withVirtualTime(() -> resilient.embed(MODEL, CALL, deadline(Duration.ofSeconds(60))))
			.expectSubscription()
			.thenCancel()
			.verify();
		CircuitBreaker breaker = resilient.breakers().circuitBreaker("up:m");
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();

		assertThat(resilient.embed(MODEL, CALL, deadline(Duration.ofSeconds(60))).block(Duration.ofSeconds(5)))
			.as("the only slot is free again")
			.isSameAs(BATCH);
		assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isOne();
	}

	@Test
	void cancelsAnAttemptPastTheAttemptTimeoutCountsItAsAFailureAndRetries() {
		ResilientUpstream resilient = resilient(answers(Mono.never(), Mono.just(BATCH)));

		StepVerifier.withVirtualTime(() -> resilient.embed(MODEL, CALL, deadline(Duration.ofSeconds(60))))
			.expectSubscription()
			.expectNoEvent(Duration.ofSeconds(20))
			.thenAwait(Duration.ofSeconds(1))
			.expectNext(BATCH)
			.expectComplete()
			.verify(Duration.ofSeconds(30));
		assertThat(this.calls).hasValue(2);
		CircuitBreaker.Metrics metrics = resilient.breakers().circuitBreaker("up:m").getMetrics();
		assertThat(metrics.getNumberOfFailedCalls()).isOne();
		assertThat(metrics.getNumberOfSuccessfulCalls()).isOne();
	}

	@Test
	void aCallCancelledAfterTheSlowCallThresholdCountsAsSlow() throws InterruptedException {
		ResilientUpstream resilient = resilient(answers(Mono.never()), 64, Duration.ofMillis(50));

		Disposable call = resilient.embed(MODEL, CALL, deadline(Duration.ofSeconds(60))).subscribe();
		// Waiting longer than asked only makes the call slower: no timing can fail this.
		Thread.sleep(200);
		call.dispose();

		CircuitBreaker.Metrics metrics = resilient.breakers().circuitBreaker("up:m").getMetrics();
		assertThat(metrics.getNumberOfBufferedCalls()).isOne();
		assertThat(metrics.getNumberOfSlowCalls()).isOne();
		assertThat(metrics.getNumberOfFailedCalls()).isZero();
	}

	@Test
	void aCallTheBreakerRefusesFailsFastAndKeepsNoSlot() {
		ResilientUpstream resilient = resilient(answers(Mono.just(BATCH)), 1);
		CircuitBreaker breaker = resilient.breakers().circuitBreaker("up:m");
		breaker.transitionToOpenState();

		StepVerifier.withVirtualTime(() -> resilient.embed(MODEL, CALL, deadline(Duration.ofSeconds(60))))
			.expectError(CircuitOpenException.class)
			.verify();
		assertThat(this.calls).hasValue(0);

		breaker.transitionToClosedState();
		assertThat(resilient.embed(MODEL, CALL, deadline(Duration.ofSeconds(60))).block(Duration.ofSeconds(5)))
			.as("the only slot is free again")
			.isSameAs(BATCH);
	}

	@Test
	void recordsFailuresAndSuccessesOnTheDeploymentsBreaker() {
		ResilientUpstream resilient = resilient(answers(overloaded(), Mono.just(BATCH)));

		StepVerifier.withVirtualTime(() -> resilient.embed(MODEL, CALL, deadline(Duration.ofSeconds(60))))
			.expectSubscription()
			.thenAwait(Duration.ofSeconds(1))
			.expectNext(BATCH)
			.verifyComplete();
		CircuitBreaker.Metrics metrics = resilient.breakers().circuitBreaker("up:m").getMetrics();
		assertThat(metrics.getNumberOfFailedCalls()).isOne();
		assertThat(metrics.getNumberOfSuccessfulCalls()).isOne();
	}

	@Test
	void retriesAnInProcessModelsOverloadAndCountsItOnTheBreaker() {
		ResilientUpstream resilient = resilient(
				answers(Mono.error(UpstreamFailure.Overloaded.inProcess("queue full", Duration.ofSeconds(2))),
						Mono.just(BATCH)));

		StepVerifier.withVirtualTime(() -> resilient.embed(MODEL, CALL, deadline(Duration.ofSeconds(60))))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(1999))
			.thenAwait(Duration.ofMillis(1))
			.expectNext(BATCH)
			.verifyComplete();
		CircuitBreaker.Metrics metrics = resilient.breakers().circuitBreaker("up:m").getMetrics();
		assertThat(metrics.getNumberOfFailedCalls()).isOne();
		assertThat(metrics.getNumberOfSuccessfulCalls()).isOne();
	}

	@Test
	void theBreakerCountsGarbageAsAFailure() {
		ResilientUpstream resilient = resilient(answers(Mono.error(UpstreamFailures.badResponse())));

		StepVerifier.withVirtualTime(() -> resilient.embed(MODEL, CALL, deadline(Duration.ofSeconds(60))))
			.expectError(UpstreamFailure.BadResponse.class)
			.verify();
		CircuitBreaker.Metrics metrics = resilient.breakers().circuitBreaker("up:m").getMetrics();
		assertThat(metrics.getNumberOfFailedCalls()).isOne();
		assertThat(metrics.getNumberOfSuccessfulCalls()).isZero();
	}

	@Test
	void theBreakerIgnoresRateLimitsAndRefusalsInsteadOfCountingThemAsSuccesses() {
		UpstreamFailure[] refusals = UpstreamFailures.refusals();
		ResilientUpstream resilient = resilient(
				answers(Mono.error(refusals[0]), Mono.error(refusals[1]), Mono.error(refusals[2]),
						Mono.error(refusals[3]), rateLimited(), rateLimited(), rateLimited(), rateLimited()));

		for (UpstreamFailure refusal : refusals) {
			assertThatThrownBy(() -> resilient.embed(MODEL, CALL, deadline(Duration.ofSeconds(60))).block())
				.isSameAs(refusal);
		}
		StepVerifier.withVirtualTime(() -> resilient.embed(MODEL, CALL, deadline(Duration.ofSeconds(60))))
			.expectSubscription()
			.thenAwait(Duration.ofSeconds(30))
			.expectError(UpstreamFailure.RateLimited.class)
			.verify();
		assertThat(this.calls).hasValue(8);
		CircuitBreaker.Metrics metrics = resilient.breakers().circuitBreaker("up:m").getMetrics();
		assertThat(metrics.getNumberOfBufferedCalls()).isZero();
		assertThat(metrics.getNumberOfSuccessfulCalls()).isZero();
	}

	private ResilientUpstream resilient(EmbeddingUpstream upstream) {
		return resilient(upstream, 64);
	}

	private ResilientUpstream resilient(EmbeddingUpstream upstream, int maxConcurrency) {
		return resilient(upstream, maxConcurrency, null);
	}

	private ResilientUpstream resilient(EmbeddingUpstream upstream, int maxConcurrency,
			@Nullable Duration slowCallThreshold) {
		ResilienceProperties properties = new ResilienceProperties(Duration.ofSeconds(60), Duration.ofSeconds(20),
				new ResilienceProperties.Retry(4, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofMillis(100),
						1.0, Duration.ofSeconds(10), 100),
				new ResilienceProperties.Breaker(50, 50, slowCallThreshold, 20, 1000, Duration.ofSeconds(30), 3),
				new ResilienceProperties.Pacing(maxConcurrency, 1, true), null);
		GatewayMetrics metrics = new GatewayMetrics(new SimpleMeterRegistry());
		return new ResilientUpstream(upstream, properties, metrics, RequestTracing.NOOP,
				AccountBudgets.inMemory(new CatalogProperties(List.of()), metrics), VirtualTimeScheduler.getOrSet(),
				() -> 1.0);
	}

	private static Deadline deadline(Duration timeout) {
		return Deadline.after(timeout, VirtualTimeScheduler.getOrSet());
	}

	@SafeVarargs
	private EmbeddingUpstream answers(Mono<UpstreamBatch>... answers) {
		Deque<Mono<UpstreamBatch>> queue = new ArrayDeque<>(List.of(answers));
		return (call) -> Mono.defer(() -> {
			this.calls.incrementAndGet();
			return queue.poll();
		});
	}

	private static Mono<UpstreamBatch> rateLimited() {
		return Mono.error(UpstreamFailures.rateLimited(Duration.ofSeconds(1)));
	}

	private static Mono<UpstreamBatch> overloaded() {
		return Mono.error(UpstreamFailures.overloaded());
	}

}
