package com.embeddinggateway.resilience;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTests {

	@Test
	void doublesEachRetryUpToTheCapWhenJitterIsAtItsTop() {
		Backoff backoff = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(8), () -> 1.0);

		assertThat(backoff.delay(1, null)).isEqualTo(Duration.ofMillis(250));
		assertThat(backoff.delay(2, null)).isEqualTo(Duration.ofMillis(500));
		assertThat(backoff.delay(3, null)).isEqualTo(Duration.ofSeconds(1));
		assertThat(backoff.delay(7, null)).isEqualTo(Duration.ofSeconds(8));
		assertThat(backoff.delay(80, null)).isEqualTo(Duration.ofSeconds(8));
	}

	@Test
	void fullJitterDrawsAnywhereBelowTheStep() {
		assertThat(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8), () -> 0.0).delay(3, null))
			.isEqualTo(Duration.ZERO);
		assertThat(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8), () -> 0.5).delay(3, null))
			.isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void waitsAtLeastWhatTheUpstreamAskedFor() {
		Backoff backoff = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(8), () -> 0.5);

		assertThat(backoff.delay(1, Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
		assertThat(backoff.delay(6, Duration.ofMillis(10))).isEqualTo(Duration.ofSeconds(4));
	}

}
