package com.embeddinggateway.config;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.embeddinggateway.Fixtures;
import com.embeddinggateway.catalog.ModelCatalog;
import com.embeddinggateway.fanout.FanoutProperties;
import com.embeddinggateway.resilience.ResilienceProperties;
import com.embeddinggateway.tenancy.TenancyProperties;
import com.embeddinggateway.tenancy.TenantDirectory;
import com.embeddinggateway.upstream.UpstreamProperties;
import org.hibernate.validator.constraints.time.DurationMin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What stops start-up, and what the operator then reads: the failure analysis Spring
 * prints under "APPLICATION FAILED TO START".
 */
class ConfigurationMistakesTests {

	private final ApplicationContextRunner context = new ApplicationContextRunner()
		.withInitializer(new ConfigDataApplicationContextInitializer())
		.withUserConfiguration(Gateway.class);

	@Test
	void refusesAMisspelledDeploymentLimit() {
		assertRefused("gateway.models[0].deployments[0].limits.rpm", "gateway.models[0].name=BAAI/bge-m3",
				"gateway.models[0].deployments[0].upstream=siliconflow",
				"gateway.models[0].deployments[0].limits.rpm=2000");
	}

	@Test
	void refusesAMisspelledRateLimitKey() {
		assertRefused("gateway.rate-limit.fail-opne", "gateway.rate-limit.fail-opne=false");
	}

	@Test
	void refusesAMisspelledTenantKey() {
		assertRefused("gateway.tenants[0].limts.requests-per-minute", "gateway.tenants[0].id=search-team",
				"gateway.tenants[0].api-key-sha256[0]=" + Fixtures.sha256("a key"),
				"gateway.tenants[0].limts.requests-per-minute=600");
	}

	@Test
	void refusesAMisspelledKeyOfARecordWithItsOwnPrefix() {
		assertRefused("gateway.resilience.retry.max-atempts", "gateway.resilience.retry.max-atempts=3");
	}

	@Test
	void refusesAKeyUnderNoRecordsPrefix() {
		this.context.withPropertyValues("gateway.fanot.max-parallel-calls=32")
			.run((context) -> assertThat(failureAnalysis(context)).isEqualTo("""
					Unknown configuration keys:

					    Property: gateway.fanot.max-parallel-calls
					    Value: "32"
					    Origin: "gateway.fanot.max-parallel-calls" from property source "test"
					    Reason: no setting has this name
					"""));
	}

	@Test
	void refusesAMisspelledEnvironmentVariable() {
		this.context
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(environment(Map.of("GATEWAY_FANOT_MAXPARALLELCALLS", "32"))))
			.run((context) -> assertThat(failureAnalysis(context)).contains("Property: gateway.fanot.maxparallelcalls")
				.contains("Origin: \"GATEWAY_FANOT_MAXPARALLELCALLS\""));
	}

	@Test
	void acceptsEnvironmentVariablesAndCamelCase() {
		this.context
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(environment(Map.of("GATEWAY_FANOUT_MAXPARALLELCALLS", "32"))))
			.withPropertyValues("gateway.resilience.retry.maxAttempts=2")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(FanoutProperties.class).maxParallelCalls()).isEqualTo(32);
				assertThat(context.getBean(ResilienceProperties.class).retry().maxAttempts()).isEqualTo(2);
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "gateway.api.default-retry-after", "gateway.api.request-read-timeout",
			"gateway.http-client.pending-acquire-timeout", "gateway.http-client.connect-timeout",
			"gateway.http-client.response-timeout", "gateway.http-client.max-idle-time", "gateway.local.retry-after",
			"gateway.resilience.deadline", "gateway.resilience.retry.base-delay", "gateway.resilience.retry.max-delay",
			"gateway.resilience.retry.budget-window", "gateway.resilience.breaker.wait-in-open-state",
			"gateway.resilience.attempt-timeout", "gateway.resilience.breaker.slow-call-duration-threshold",
			"gateway.fanout.batch-size-recovery" })
	void refusesADurationOfZero(String key) {
		assertRefused(key + "\n    Value: \"0s\"", key + "=0s");
	}

	@Test
	void refusesANegativeDuration() {
		assertRefused("gateway.resilience.retry.min-attempt-time", "gateway.resilience.retry.min-attempt-time=-1ms");
	}

	@Test
	void acceptsNoMinimumAttemptTime() {
		this.context.withPropertyValues("gateway.resilience.retry.min-attempt-time=0s")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void everyDurationHasALowerBound() throws ClassNotFoundException, NoSuchFieldException {
		for (Class<?> type : gatewayRecords()) {
			for (RecordComponent component : allRecords(type)) {
				if (component.getType() == Duration.class) {
					assertThat(component.getDeclaringRecord()
						.getDeclaredField(component.getName())
						.isAnnotationPresent(DurationMin.class))
						.as(component.getDeclaringRecord().getSimpleName() + "." + component.getName())
						.isTrue();
				}
			}
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "gateway.api.max-request-size=0", "gateway.http-client.max-response-size=0B",
			"gateway.resilience.max-in-flight-memory=-1MB" })
	void refusesASizeOfZeroOrLess(String setting) {
		assertRefused(setting.substring(0, setting.indexOf('=')), setting);
	}

	@Test
	void refusesAnUpstreamWithoutABaseUrl() {
		assertRefused("gateway.upstreams[1].base-url", "gateway.upstreams[0].id=siliconflow",
				"gateway.upstreams[0].base-url=http://127.0.0.1:9/v1", "gateway.upstreams[1].id=self-hosted");
	}

	@ParameterizedTest
	@ValueSource(strings = { "api.siliconflow.cn/v1", "ftp://api.siliconflow.cn/v1", "https:///v1", "https://a b/v1" })
	void refusesABaseUrlThatIsNotAnAbsoluteHttpUrl(String url) {
		assertRefused("gateway.upstreams[0].base-url", "gateway.upstreams[0].id=siliconflow",
				"gateway.upstreams[0].base-url=" + url);
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 101 })
	void refusesAFailureRateThresholdOutsideOneToAHundred(int percent) {
		assertRefused("gateway.resilience.breaker.failure-rate-threshold",
				"gateway.resilience.breaker.failure-rate-threshold=" + percent);
	}

	@Test
	void refusesABreakerThatWaitsForMoreCallsThanItsWindowHolds() {
		assertRefused("gateway.resilience.breaker.minimum-number-of-calls",
				"gateway.resilience.breaker.sliding-window-size=20",
				"gateway.resilience.breaker.minimum-number-of-calls=1000");
	}

	@Test
	void refusesAMinimumConcurrencyAboveTheMaximum() {
		this.context
			.withPropertyValues("gateway.resilience.pacing.max-concurrency=8",
					"gateway.resilience.pacing.min-concurrency=16")
			.run((context) -> assertThat(failureAnalysis(context)).isEqualTo("""
					Invalid configuration under gateway.resilience:

					    Property: gateway.resilience.pacing.min-concurrency
					    Value: "16"
					    Origin: "gateway.resilience.pacing.min-concurrency" from property source "test"
					    Reason: must not be above max-concurrency
					"""));
	}

	@Test
	void refusesASheddingLimitOutsideItsBounds() {
		assertRefused("gateway.shedding.min-limit", "gateway.shedding.min-limit=2000");
		assertRefused("gateway.shedding.initial-limit", "gateway.shedding.initial-limit=2",
				"gateway.shedding.min-limit=8");
	}

	@Test
	void refusesABaseDelayAboveTheMaximumDelay() {
		assertRefused("gateway.resilience.retry.base-delay", "gateway.resilience.retry.base-delay=10s",
				"gateway.resilience.retry.max-delay=8s");
	}

	@Test
	void refusesAnAllowedDimensionOfZero() {
		assertRefused("gateway.models[0].allowed-dimensions[1]", "gateway.models[0].name=Qwen/Qwen3-Embedding-8B",
				"gateway.models[0].allowed-dimensions=64,0");
	}

	@Test
	void acceptsTheVariablesKubernetesSetsForAServiceNamedGateway() {
		Map<String, Object> serviceLinks = Map.of("GATEWAY_SERVICE_HOST", "10.0.0.7", "GATEWAY_SERVICE_PORT", "80",
				"GATEWAY_SERVICE_PORT_HTTP", "80", "GATEWAY_PORT", "tcp://10.0.0.7:80", "GATEWAY_PORT_80_TCP",
				"tcp://10.0.0.7:80", "GATEWAY_PORT_80_TCP_PROTO", "tcp", "GATEWAY_PORT_80_TCP_PORT", "80",
				"GATEWAY_PORT_80_TCP_ADDR", "10.0.0.7");
		this.context
			.withInitializer(
					(context) -> context.getEnvironment().getPropertySources().addFirst(environment(serviceLinks)))
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void refusesAPortKeyThatIsNotFromTheEnvironment() {
		assertRefused("gateway.port", "gateway.port=8080");
	}

	@Test
	void acceptsAListThatAnotherSourceReplaces() {
		// These two keys replace application.yml's list, whose upstream has an api-key
		this.context
			.withPropertyValues("gateway.upstreams[0].id=siliconflow",
					"gateway.upstreams[0].base-url=http://127.0.0.1:9/v1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(UpstreamProperties.class).upstreams()).singleElement()
					.satisfies((upstream) -> assertThat(upstream.apiKey()).isNull());
			});
	}

	@Test
	void startsWithTheReadmesConfiguration() {
		this.context
			.withInitializer((context) -> context.getEnvironment().getPropertySources().addFirst(readmeConfiguration()))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(ModelCatalog.class).find("bge-m3").orElseThrow().deployments()).hasSize(2);
				TenancyProperties.Limits limits = context.getBean(TenancyProperties.class).tenants().get(0).limits();
				assertThat(limits)
					.isEqualTo(new TenancyProperties.Limits(600, 1_000_000L, 50_000_000L, 1_000_000_000L));
			});
	}

	@Test
	void knowsEveryPropertiesRecordUnderGateway() throws ClassNotFoundException {
		List<RecordComponent> known = Arrays.asList(GatewayKeys.Sections.class.getRecordComponents());
		for (Class<?> type : gatewayRecords()) {
			String prefix = MergedAnnotations.from(type).get(ConfigurationProperties.class).getString("prefix");
			if (prefix.equals("gateway")) {
				for (RecordComponent component : type.getRecordComponents()) {
					assertThat(known).as(type.getSimpleName() + "." + component.getName())
						.anyMatch((key) -> key.getName().equals(component.getName())
								&& key.getGenericType().equals(component.getGenericType()));
				}
			}
			else {
				String section = prefix.substring("gateway.".length());
				assertThat(known).as(type.getSimpleName())
					.anyMatch((key) -> key.getName().equals(section) && key.getType() == type);
			}
		}
	}

	/** The properties records under {@code gateway}, as the application scans them. */
	private static List<Class<?>> gatewayRecords() throws ClassNotFoundException {
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
		scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
		List<Class<?>> records = new ArrayList<>();
		for (BeanDefinition candidate : scanner.findCandidateComponents("com.embeddinggateway")) {
			records.add(ClassUtils.forName(Objects.requireNonNull(candidate.getBeanClassName()), null));
		}
		return records;
	}

	/** The record's components and those of the records nested in it, lists' included. */
	private static List<RecordComponent> allRecords(Class<?> type) {
		List<RecordComponent> components = new ArrayList<>();
		for (RecordComponent component : type.getRecordComponents()) {
			components.add(component);
			Class<?> nested = ResolvableType.forType(component.getGenericType()).resolveGeneric(0);
			if (component.getType().isRecord()) {
				components.addAll(allRecords(component.getType()));
			}
			else if (nested != null && nested.isRecord()) {
				components.addAll(allRecords(nested));
			}
		}
		return components;
	}

	private void assertRefused(String key, String... properties) {
		this.context.withPropertyValues(properties)
			.run((context) -> assertThat(failureAnalysis(context)).contains(key));
	}

	private static PropertySource<?> environment(Map<String, Object> variables) {
		// Mapped as the process environment is: by a name ending in -systemEnvironment.
		return new SystemEnvironmentPropertySource(
				"test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables);
	}

	/** The YAML block of the README's Configuration section, with a real digest. */
	private static PropertySource<?> readmeConfiguration() {
		try {
			String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
			Matcher block = Pattern.compile("## Configuration.*?```yaml\\n(.*?)```", Pattern.DOTALL).matcher(readme);
			assertThat(block.find()).as("the README's configuration block").isTrue();
			String yaml = block.group(1)
				.replace("<lowercase hex sha256 of the key the service presents>", Fixtures.sha256("a key"));
			return new YamlPropertySourceLoader()
				.load("README", new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8)))
				.get(0);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** What Spring prints when start-up fails, as {@code SpringApplication} finds it. */
	private static String failureAnalysis(AssertableApplicationContext context) {
		Throwable failure = context.getStartupFailure();
		assertThat(failure).as("start-up failure").isNotNull();
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, SpringFactoriesLoader.FailureHandler.handleMessage((message, ex) -> {
			}));
		return analyzers.stream()
			.map((analyzer) -> analyzer.analyze(failure))
			.filter(Objects::nonNull)
			.map(FailureAnalysis::getDescription)
			.findFirst()
			.orElseThrow(() -> new AssertionError("no failure analysis for " + failure));
	}

	/**
	 * The properties records as the application registers them, and the checks across
	 * them.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConfigurationPropertiesScan("com.embeddinggateway")
	@Import({ GatewayKeys.class, ModelCatalog.class, TenantDirectory.class })
	static class Gateway {

	}

}
