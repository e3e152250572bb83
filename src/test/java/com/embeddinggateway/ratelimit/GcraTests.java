package com.embeddinggateway.ratelimit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GcraTests {

	@Test
	void allowsTheWholeLimitAtOnceThenRefusesUntilOneUnitHasRefilled() {
		double tat = 0;
		long now = 1_000_000;
		for (int i = 0; i < 60; i++) {
			Gcra.Take take = Gcra.take(tat, now, 60, 1);
			assertThat(take.allowed()).isTrue();
			assertThat(take.remaining()).isEqualTo(59 - i);
			tat = take.tat();
		}
		Gcra.Take refused = Gcra.take(tat, now, 60, 1);
		assertThat(refused.allowed()).isFalse();
		assertThat(refused.waitMillis()).isEqualTo(1000);
		assertThat(refused.resetMillis()).isEqualTo(60_000);
		assertThat(Gcra.take(tat, now + 1000, 60, 1).allowed()).isTrue();
	}

	@Test
	void refusesForeverATakeLargerThanTheWholeLimit() {
		assertThat(Gcra.take(0, 1000, 100, 101).waitMillis()).isEqualTo(Gcra.NEVER);
		assertThat(Gcra.take(0, 1000, 100, 100).allowed()).isTrue();
	}

	@Test
	void correctionsMoveTheStateButNeverBeforeNow() {
		long now = 1_000_000;
		double tat = Gcra.take(0, now, 600, 300).tat();
		assertThat(Gcra.correct(tat, now, 600, 300) - now).isEqualTo(60_000.0);
		assertThat(Gcra.correct(tat, now, 600, -1000)).isEqualTo(now);
	}

}
