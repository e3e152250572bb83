package com.embeddinggateway.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProcStatsTests {

	@Test
	void cpuTicksAreUserPlusSystemTime() {
		String stat = "4242 (java) S 1 4242 4242 0 -1 4194560 51234 0 12 0 1500 250 3 1 20 0 42 0 12345 "
				+ "4000000000 60000 18446744073709551615 1 1 0 0 0 0 0 4096 1 0 0 0 17 1 0 0 0 0 0";

		assertThat(ProcStats.cpuTicks(stat)).isEqualTo(1750);
	}

	@Test
	void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
		String stat = "77 (nginx: worker (x) 1) S 76 76 76 0 -1 4194624 10 0 0 0 30 12 0 0 20 0 1 0 99 "
				+ "100000 2000 18446744073709551615";

		assertThat(ProcStats.cpuTicks(stat)).isEqualTo(42);
	}

	@Test
	void peakRssIsVmHwmInKilobytes() {
		String status = "Name:\tjava\nVmPeak:\t 5000000 kB\nVmHWM:\t  262144 kB\nVmRSS:\t  200000 kB\n";

		assertThat(ProcStats.peakRssKb(status)).isEqualTo(262144);
	}

	@Test
	void aProcessWithoutMemoryHasNoPeak() {
		assertThat(ProcStats.peakRssKb("Name:\tkthreadd\nState:\tS (sleeping)\n")).isZero();
	}

	@Test
	void samplesTheRunningProcess() {
		ProcStats.Sample sample = ProcStats.sample(ProcessHandle.current().pid());

		assertThat(sample.ticks()).isPositive();
		assertThat(sample.peakRssKb()).isPositive();
	}

}
