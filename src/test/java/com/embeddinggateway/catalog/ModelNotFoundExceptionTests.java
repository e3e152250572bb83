package com.embeddinggateway.catalog;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ModelNotFoundExceptionTests {

	@Test
	void namesTheModelAsSent() {
		assertThat(new ModelNotFoundException("BAAI/bge-m4").getMessage())
			.isEqualTo("The model 'BAAI/bge-m4' does not exist or you do not have access to it.");
	}

	@Test
	void repeatsOnlyTheStartOfAnOverlongNameAndSaysHowLongItWas() {
		String message = new ModelNotFoundException("m".repeat(1_000_000)).getMessage();

		assertThat(message).hasSizeLessThan(ModelNotFoundException.MAX_ECHOED + 100)
			.startsWith("The model 'mmm")
			.contains("...' (1000000 characters) does not exist");
	}

	@Test
	void doesNotCutAPairOfSurrogatesInTwo() {
		String model = "m".repeat(ModelNotFoundException.MAX_ECHOED - 1) + "\uD83D\uDE00" + "tail";

		String message = new ModelNotFoundException(model).getMessage();

		assertThat(message).contains("m...' (").doesNotContain("\uD83D");
	}

}
