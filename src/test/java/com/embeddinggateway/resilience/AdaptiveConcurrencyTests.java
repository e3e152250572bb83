package com.embeddinggateway.resilience;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

import static org.assertj.core.api.Assertions.assertThat;

class AdaptiveConcurrencyTests {

	final AtomicLong nanos = new AtomicLong();

	@Test
	void halvesOnA429OncePerRoundOfCalls() {
		AdaptiveConcurrency pacer = new AdaptiveConcurrency(2, 64, this.nanos::incrementAndGet);
		AdaptiveConcurrency.Permit first = pacer.acquire().block();
		AdaptiveConcurrency.Permit second = pacer.acquire().block();

		first.rateLimited();
		assertThat(pacer.limit()).isEqualTo(32);
		second.rateLimited();
		assertThat(pacer.limit()).as("started before the cut: same congestion event").isEqualTo(32);

		pacer.acquire().block().rateLimited();
		assertThat(pacer.limit()).isEqualTo(16);
	}

	@Test
	void neverGoesBelowTheFloorAndGrowsBackWithSuccesses() {
		AdaptiveConcurrency pacer = new AdaptiveConcurrency(2, 8, this.nanos::incrementAndGet);
		for (int i = 0; i < 10; i++) {
			AdaptiveConcurrency.Permit permit = pacer.acquire().block();
			permit.rateLimited();
			permit.release();
		}
		assertThat(pacer.limit()).isEqualTo(2);

		for (int i = 0; i < 20; i++) {
			AdaptiveConcurrency.Permit permit = pacer.acquire().block();
			permit.succeeded();
			permit.release();
		}
		assertThat(pacer.limit()).isBetween(5, 8);
	}

	@Test
	void queuesCallersOverTheLimitAndAdmitsThemAsSlotsFree() {
		AdaptiveConcurrency pacer = new AdaptiveConcurrency(1, 2, this.nanos::incrementAndGet);
		List<AdaptiveConcurrency.Permit> granted = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			pacer.acquire().subscribe(granted::add);
		}
		assertThat(granted).hasSize(2);
		assertThat(pacer.inFlight()).isEqualTo(2);

		granted.get(0).release();
		granted.get(0).release();
		assertThat(granted).hasSize(3);
		assertThat(pacer.inFlight()).as("a double release frees one slot only").isEqualTo(2);
	}

	@Test
	void aCallerThatGivesUpWhileWaitingLeavesNoSlotTaken() {
		AdaptiveConcurrency pacer = new AdaptiveConcurrency(1, 1, this.nanos::incrementAndGet);
		AdaptiveConcurrency.Permit holder = pacer.acquire().block();
		Disposable waiting = pacer.acquire().subscribe();

		waiting.dispose();
		holder.release();

		assertThat(pacer.inFlight()).isZero();
		assertThat(pacer.acquire().block()).isNotNull();
	}

}
