package com.embeddinggateway.bench;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CacheBenchTests {

	@Test
	void writesADifferentChunkForEveryIndexAndTheSameOneEveryTime() {
		Set<String> chunks = new HashSet<>();
		for (int i = 0; i < 10_000; i++) {
			chunks.add(CacheBench.chunk(i));
		}

		assertThat(chunks).hasSize(10_000);
		assertThat(CacheBench.chunk(42)).isEqualTo(CacheBench.chunk(42));
	}

	@Test
	void sumsEverySeriesOfOneMetricAndNoOther() {
		String page = """
				# HELP gateway_tokens_total Prompt tokens
				gateway_tokens_total{model="BAAI/bge-m3",tenant="a"} 12.0
				gateway_tokens_total{model="BAAI/bge-m3",tenant="b"} 30.0
				gateway_tokens_totally_else 99.0
				""";

		assertThat(CacheBench.sum(page, "gateway_tokens_total")).isEqualTo(42.0);
	}

}
