package com.embeddinggateway.resilience;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetryBudgetTests {

	final AtomicLong clock = new AtomicLong(1_000_000);

	@Test
	void allowsRetriesUpToTheRatioOfFirstAttempts() {
		RetryBudget budget = new RetryBudget(0.2, 0, Duration.ofSeconds(10), this.clock::get);
		for (int i = 0; i < 10; i++) {
			budget.recordAttempt();
		}

		assertThat(budget.tryRetry()).isTrue();
		assertThat(budget.tryRetry()).isTrue();
		assertThat(budget.tryRetry()).isFalse();
	}

	@Test
	void alwaysAllowsTheMinimumSoAQuietGatewayCanRetry() {
		RetryBudget budget = new RetryBudget(0.2, 3, Duration.ofSeconds(10), this.clock::get);

		assertThat(budget.tryRetry()).isTrue();
		assertThat(budget.tryRetry()).isTrue();
		assertThat(budget.tryRetry()).isTrue();
		assertThat(budget.tryRetry()).isFalse();
	}

	@Test
	void forgetsWhatSlidOutOfTheWindow() {
		RetryBudget budget = new RetryBudget(1.0, 0, Duration.ofSeconds(10), this.clock::get);
		budget.recordAttempt();
		assertThat(budget.tryRetry()).isTrue();
		assertThat(budget.tryRetry()).isFalse();

		this.clock.addAndGet(5_000);
		assertThat(budget.tryRetry()).as("half a window later the retry still counts").isFalse();

		this.clock.addAndGet(6_000);
		budget.recordAttempt();
		assertThat(budget.tryRetry()).as("a window later only the new attempt counts").isTrue();
		assertThat(budget.tryRetry()).isFalse();
	}

}
