package com.embeddinggateway.api;

import com.embeddinggateway.api.MemoryBudget.Reservation;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class MemoryBudgetTests {

	private final MemoryBudget budget = new MemoryBudget(1000);

	@Test
	void takesWhatFitsAndRefusesWhatWouldPassTheLimit() {
		Reservation first = this.budget.open();
		Reservation second = this.budget.open();
		first.add(600, "a body");
		second.add(400, "a body");

		assertThatExceptionOfType(GatewayBusyException.class).isThrownBy(() -> second.add(1, "an answer"))
			.withMessageContaining("an answer")
			.withMessageContaining("gateway.resilience.max-in-flight-memory");
		assertThat(this.budget.held()).isEqualTo(1000);
	}

	@Test
	void aRequestLargerThanTheBudgetRunsWhenItIsAlone() {
		Reservation large = this.budget.open();
		large.add(700, "a body");
		large.add(5000, "its answers");

		assertThat(this.budget.held()).isEqualTo(5700);
		Reservation next = this.budget.open();
		assertThatExceptionOfType(GatewayBusyException.class).isThrownBy(() -> next.add(1, "a body"));
	}

	@Test
	void aLargeRequestWaitsForTheOthersToEnd() {
		Reservation small = this.budget.open();
		small.add(10, "a body");
		Reservation large = this.budget.open();

		assertThatExceptionOfType(GatewayBusyException.class).isThrownBy(() -> large.add(5000, "a body"));
		small.close();
		large.add(5000, "a body");
		assertThat(this.budget.held()).isEqualTo(5000);
	}

	@Test
	void givesEverythingBackOnceAndCountsNothingAfterwards() {
		Reservation reservation = this.budget.open();
		reservation.add(300, "a body");
		reservation.add(200, "its answers");
		Reservation other = this.budget.open();
		other.add(100, "a body");

		reservation.close();
		reservation.close();
		reservation.add(900, "a late answer");

		assertThat(this.budget.held()).isEqualTo(100);
		other.close();
		assertThat(this.budget.held()).isZero();
	}

	@Test
	void givesBackWhatItReleasesAndNoMoreThanItHolds() {
		Reservation reservation = this.budget.open();
		reservation.add(600, "a body");
		reservation.add(300, "decoding");

		reservation.release(300);
		assertThat(this.budget.held()).isEqualTo(600);
		reservation.release(5000);
		assertThat(this.budget.held()).isZero();
		reservation.close();
		assertThat(this.budget.held()).isZero();
	}

	@Test
	void defaultsToHalfTheHeap() {
		assertThat(MemoryBudget.limit(null)).isEqualTo(Runtime.getRuntime().maxMemory() / 2);
		assertThat(MemoryBudget.limit(DataSize.ofMegabytes(64))).isEqualTo(64L * 1024 * 1024);
	}

}
