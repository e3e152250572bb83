package com.embeddinggateway.shedding;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConcurrencyLimitTests {

	static final long MS = 1_000_000;

	long now;

	@Test
	void aLateLoopCutsTheLimitBelowTheRequestsInFlightAndRefusesNewOnes() {
		ConcurrencyLimit limit = limit(4, 1000, 1000);
		admit(limit, 50);

		window(limit, 80 * MS);

		assertThat(limit.limit()).isEqualTo(25);
		assertThat(limit.tryAcquire()).isFalse();
		assertThat(limit.inFlight()).isEqualTo(50);
	}

	@Test
	void keepsCuttingWhileTheLoopsStayLateButNeverBelowTheFloor() {
		ConcurrencyLimit limit = limit(4, 1000, 1000);
		admit(limit, 50);

		for (int i = 0; i < 100; i++) {
			window(limit, 80 * MS);
		}

		assertThat(limit.limit()).isEqualTo(4);
	}

	@Test
	void recoversWhenTheLoopsKeepUpAgainButNeverAboveTheCeiling() {
		ConcurrencyLimit limit = limit(4, 200, 200);
		admit(limit, 10);
		for (int i = 0; i < 20; i++) {
			window(limit, 80 * MS);
		}
		assertThat(limit.limit()).isEqualTo(4);

		window(limit, 1 * MS);
		assertThat(limit.limit()).isEqualTo(6);
		for (int i = 0; i < 100; i++) {
			window(limit, 1 * MS);
		}

		assertThat(limit.limit()).isEqualTo(200);
		assertThat(limit.tryAcquire()).isTrue();
	}

	@Test
	void neverShedsRequestsThatOnlyWaitOnAnUpstream() {
		// A thousand requests waiting on a slow upstream: many in flight, and nothing for
		// the event loops to do.
		ConcurrencyLimit limit = limit(4, 1000, 1000);

		for (int i = 0; i < 1000; i++) {
			assertThat(limit.tryAcquire()).isTrue();
			window(limit, 0);
		}

		assertThat(limit.limit()).isEqualTo(1000);
	}

	@Test
	void aPauseThatMakesOnlySomeProbesLateLeavesTheLimitAlone() {
		ConcurrencyLimit limit = limit(4, 1000, 500);
		admit(limit, 100);

		limit.loopDelay(300 * MS);
		this.now += 50 * MS;
		limit.loopDelay(1 * MS);
		this.now += 50 * MS;
		limit.loopDelay(300 * MS);

		assertThat(limit.limit()).isGreaterThan(500);
	}

	@Test
	void adjustsOncePerWindowWhenEveryProbeInItWasLate() {
		ConcurrencyLimit limit = limit(4, 1000, 1000);
		admit(limit, 100);

		limit.loopDelay(80 * MS);
		this.now += 50 * MS;
		limit.loopDelay(30 * MS);
		assertThat(limit.limit()).as("the window has not ended").isEqualTo(1000);
		this.now += 50 * MS;
		limit.loopDelay(40 * MS);

		assertThat(limit.limit()).isEqualTo(50);
	}

	@Test
	void lateLoopsWithNoMoreThanTheFloorInFlightLeaveTheLimitAlone() {
		// Start-up and compilation keep the loops late with hardly a request in flight:
		// refusing the next callers would not make the loops any faster.
		ConcurrencyLimit limit = limit(4, 1000, 1000);
		admit(limit, 4);

		for (int i = 0; i < 20; i++) {
			window(limit, 80 * MS);
		}

		assertThat(limit.limit()).isEqualTo(1000);
	}

	@Test
	void releasedRequestsMakeRoomForNewOnes() {
		ConcurrencyLimit limit = limit(1, 2, 2);
		admit(limit, 2);
		assertThat(limit.tryAcquire()).isFalse();

		limit.release();

		assertThat(limit.tryAcquire()).isTrue();
		assertThat(limit.inFlight()).isEqualTo(2);
	}

	@Test
	void startsAtTheInitialLimit() {
		ConcurrencyLimit limit = limit(1, 100, 3);
		admit(limit, 3);

		assertThat(limit.tryAcquire()).isFalse();
	}

	private ConcurrencyLimit limit(int min, int max, int initial) {
		return new ConcurrencyLimit(new SheddingProperties(true, min, max, initial, Duration.ofMillis(20),
				Duration.ofMillis(10), Duration.ofMillis(100)), () -> this.now);
	}

	private static void admit(ConcurrencyLimit limit, int requests) {
		for (int i = 0; i < requests; i++) {
			assertThat(limit.tryAcquire()).isTrue();
		}
	}

	/** A whole window passes, with its probes reporting {@code delay}. */
	private void window(ConcurrencyLimit limit, long delay) {
		this.now += 100 * MS;
		limit.loopDelay(delay);
	}

}
