package com.embeddinggateway.cache;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryTierTests {

	static final long MB = 1024 * 1024;

	@Test
	void holdsAtMostAQuarterOfTheHeapWhateverIsConfigured() {
		assertThat(MemoryTier.limit(256 * MB, 256 * MB)).isEqualTo(64 * MB);
		assertThat(MemoryTier.limit(256 * MB, 2048 * MB)).isEqualTo(256 * MB);
		assertThat(MemoryTier.limit(10 * MB, 256 * MB)).isEqualTo(10 * MB);
	}

}
