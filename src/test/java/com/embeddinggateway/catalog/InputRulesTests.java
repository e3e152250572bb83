package com.embeddinggateway.catalog;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

class InputRulesTests {

	static final ModelSpec BGE_LARGE = new ModelSpec("BAAI/bge-large-en-v1.5",
			List.of(new Deployment("siliconflow", "BAAI/bge-large-en-v1.5")), 32, 512, 1024, List.of(), List.of());

	static final ModelSpec QWEN_4B = new ModelSpec("Qwen/Qwen3-Embedding-4B",
			List.of(new Deployment("siliconflow", "Qwen/Qwen3-Embedding-4B")), 32, 32768, 2560, List.of(64, 128, 2560),
			List.of());

	@Test
	void refusesEmptyAndLineBreakOnlyInputsNamingTheIndex() {
		for (String empty : List.of("", "\n", "\r\n", " \n ", "\n\t")) {
			assertThatExceptionOfType(InvalidInputException.class)
				.isThrownBy(() -> InputRules.check(BGE_LARGE, List.of("fine", empty), null))
				.withMessageContaining("index 1")
				.satisfies((error) -> org.assertj.core.api.Assertions.assertThat(error.param()).isEqualTo("input"));
		}
	}

	@Test
	void acceptsPlainSpacesAndTabs() {
		assertThatNoException().isThrownBy(() -> InputRules.check(BGE_LARGE, List.of(" ", "   ", "\t"), null));
	}

	@Test
	void acceptsAnInputAtTheLimitAndRefusesOneCertainlyOver() {
		assertThatNoException().isThrownBy(() -> InputRules.check(BGE_LARGE, List.of("w ".repeat(512)), null));
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> InputRules.check(BGE_LARGE, List.of("ok", "ok", "w ".repeat(513)), null))
			.withMessageContaining("index 2")
			.withMessageContaining("512");
	}

	@Test
	void neverRefusesWhatItCannotProveTooLong() {
		ModelSpec unknownLimit = new ModelSpec("custom", List.of(new Deployment("siliconflow", "custom")), 32, 0, 0,
				List.of(), List.of());
		assertThatNoException().isThrownBy(() -> InputRules.check(unknownLimit, List.of("w ".repeat(100_000)), null));
		assertThatNoException().isThrownBy(() -> InputRules.check(BGE_LARGE, List.of("x".repeat(100_000)), null));
	}

	@Test
	void allowsOnlyListedDimensions() {
		assertThatNoException().isThrownBy(() -> InputRules.check(QWEN_4B, List.of("x"), 128));
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> InputRules.check(QWEN_4B, List.of("x"), 100))
			.withMessageContaining("Allowed values: 64, 128, 2560.");
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> InputRules.check(BGE_LARGE, List.of("x"), 1024))
			.withMessageContaining("does not support 'dimensions'");
	}

}
