package com.embeddinggateway.fanout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import com.embeddinggateway.catalog.Deployment;
import com.embeddinggateway.catalog.ModelSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BatchSizesTests {

	static final Deployment FREE = new Deployment("siliconflow", "BAAI/bge-m3");

	static final Deployment PRO = new Deployment("siliconflow", "Pro/BAAI/bge-m3");

	static final Deployment OTHER = new Deployment("siliconflow", "BAAI/bge-large-zh-v1.5");

	final AtomicLong clock = new AtomicLong(1_000_000);

	final BatchSizes sizes = new BatchSizes(Duration.ofMinutes(10), this.clock::get);

	@Test
	void usesTheConfiguredSizeUntilADeploymentNamesASmallerOne() {
		assertThat(this.sizes.of(model(FREE))).isEqualTo(32);

		assertThat(this.sizes.learn(FREE, 16)).isTrue();

		assertThat(this.sizes.of(model(FREE))).isEqualTo(16);
	}

	@Test
	void keepsWhatOneDeploymentTaughtToTheModelsThatUseIt() {
		this.sizes.learn(PRO, 8);

		assertThat(this.sizes.of(model(FREE, PRO))).as("a call may spill over to the smaller one").isEqualTo(8);
		assertThat(this.sizes.of(model(FREE))).isEqualTo(32);
		assertThat(this.sizes.of(model(OTHER))).isEqualTo(32);
	}

	@Test
	void neverGoesBelowOneInputPerCall() {
		this.sizes.learn(FREE, 0);

		assertThat(this.sizes.of(model(FREE))).isOne();
	}

	@Test
	void aLargerSizeDoesNotRaiseOneLearnedRecently() {
		this.sizes.learn(FREE, 8);

		assertThat(this.sizes.learn(FREE, 16)).isFalse();
		assertThat(this.sizes.of(model(FREE))).isEqualTo(8);
	}

	@Test
	void probesTheConfiguredSizeAgainAfterTheRecoveryTime() {
		this.sizes.learn(FREE, 16);

		this.clock.addAndGet(Duration.ofMinutes(10).toMillis() - 1);
		assertThat(this.sizes.of(model(FREE))).isEqualTo(16);

		this.clock.addAndGet(1);
		assertThat(this.sizes.of(model(FREE))).isEqualTo(32);
	}

	@Test
	void learnsAgainWhenTheProbeIsRefused() {
		this.sizes.learn(FREE, 8);
		this.clock.addAndGet(Duration.ofMinutes(10).toMillis());

		assertThat(this.sizes.learn(FREE, 16)).isTrue();

		assertThat(this.sizes.of(model(FREE))).isEqualTo(16);
	}

	private static ModelSpec model(Deployment... deployments) {
		return new ModelSpec("m", List.of(deployments), 32, 512, 1024, List.of(), List.of());
	}

}
