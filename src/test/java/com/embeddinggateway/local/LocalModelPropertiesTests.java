package com.embeddinggateway.local;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

class LocalModelPropertiesTests {

	private final ApplicationContextRunner context = new ApplicationContextRunner()
		.withUserConfiguration(LocalConfiguration.class);

	@Test
	void defaultsToOffWithTwoWorkersOfOneThreadAndSixtyFourWaitingBatches() {
		this.context.run((context) -> assertThat(context.getBean(LocalModelProperties.class))
			.isEqualTo(new LocalModelProperties(false, 2, 1, 64, Duration.ofSeconds(1))));
	}

	@Test
	void keepsTheExactTokenizersWhenTheLocalModelsAreOff() {
		this.context.run((context) -> {
			assertThat(context).doesNotHaveBean(LocalModels.class);
			assertThat(context.getBean(LocalTokenizers.class).forModel("BAAI/bge-large-zh-v1.5")).isNotNull();
		});
	}

	@Test
	void refusesARetryAfterThatOpenAiNodeWouldIgnore() {
		this.context.withPropertyValues("gateway.local.retry-after=61s")
			.run((context) -> assertThat(context).getFailure().rootCause().hasMessageContaining("retryAfter"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(LocalModelProperties.class)
	@Import({ LocalTokenizers.class, LocalModels.class })
	static class LocalConfiguration {

	}

}
