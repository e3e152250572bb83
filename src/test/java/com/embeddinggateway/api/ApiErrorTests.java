package com.embeddinggateway.api;

import java.time.Duration;

import com.embeddinggateway.upstream.UpstreamFailures;
import org.junit.jupiter.api.Test;
import reactor.core.Exceptions;

import static org.assertj.core.api.Assertions.assertThat;

class ApiErrorTests {

	@Test
	void answersFanOutPartsThatFailTogetherAsTheFirstOfThem() {
		ApiError error = ApiError.from(
				Exceptions.multiple(UpstreamFailures.overloaded(), UpstreamFailures.overloaded()),
				Duration.ofSeconds(1));

		assertThat(error.status()).isEqualTo(503);
		assertThat(error.code()).isEqualTo("service_unavailable");
		assertThat(error.retryAfter()).isNotNull();
	}

}
