package com.embeddinggateway.ratelimit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;

import com.embeddinggateway.Fixtures;
import com.embeddinggateway.FakeSiliconFlow;
import com.embeddinggateway.GatewayClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tenant quotas on one gateway without Redis: the answers callers see (status, OpenAI's
 * envelope and headers), the books kept with the upstream's {@code usage}, budgets over a
 * day that rolls over, and no attempt ever to reach a Redis that is not configured.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(TestClock.Replacement.class)
class TenantQuotasIntegrationTests {

	static final FakeSiliconFlow upstream = new FakeSiliconFlow();

	/**
	 * Stands where Spring Boot's default Redis would be looked for: only a port is set,
	 * not a host or URL, so Redis is not configured and nothing may connect here.
	 */
	static final ServerSocket notRedis = listen();

	static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	TestClock clock;

	@Autowired
	MeterRegistry meters;

	@DynamicPropertySource
	static void gateway(DynamicPropertyRegistry registry) {
		upstream.register(registry);
		tenant(registry, 2, "rpm-team", "requests-per-minute", "2");
		tenant(registry, 3, "tpm-team", "tokens-per-minute", "1000");
		tenant(registry, 4, "day-team", "tokens-per-day", "20");
		tenant(registry, 5, "month-team", "tokens-per-month", "5");
		registry.add("gateway.tenants[4].limits.tokens-per-month", () -> "1000");
		tenant(registry, 6, "probe-team", "requests-per-minute", "1000");
		registry.add("gateway.models[0].name", () -> "BAAI/bge-m3");
		registry.add("gateway.models[0].price-per-million-tokens", () -> "2.0");
		registry.add("gateway.currency", () -> "USD");
		registry.add("spring.data.redis.port", notRedis::getLocalPort);
		registry.add("spring.data.redis.timeout", () -> "200ms");
	}

	static void tenant(DynamicPropertyRegistry registry, int index, String id, String limit, String value) {
		registry.add("gateway.tenants[" + index + "].id", () -> id);
		registry.add("gateway.tenants[" + index + "].api-key-sha256[0]", () -> Fixtures.sha256(key(id)));
		registry.add("gateway.tenants[" + index + "].limits." + limit, () -> value);
	}

	static String key(String tenant) {
		return "eg-" + tenant + "-key";
	}

	@AfterAll
	static void stop() throws IOException {
		upstream.stop();
		notRedis.close();
	}

	@BeforeEach
	void reset() {
		upstream.reset();
	}

	@Test
	void refusesTheRequestOverTheRequestsLimitInOpenAisFormat() {
		EntityExchangeResult<byte[]> first = embed("rpm-team", "\"hello\"");
		assertThat(first.getStatus().value()).isEqualTo(200);
		assertThat(first.getResponseHeaders().getFirst("x-ratelimit-limit-requests")).isEqualTo("2");
		assertThat(first.getResponseHeaders().getFirst("x-ratelimit-remaining-requests")).isEqualTo("1");
		assertThat(first.getResponseHeaders().getFirst("x-ratelimit-reset-requests")).isEqualTo("30s");
		assertThat(embed("rpm-team", "\"hello\"").getStatus().value()).isEqualTo(200);
		int callsBefore = upstream.calls().size();

		EntityExchangeResult<byte[]> refused = embed("rpm-team", "\"hello\"");

		assertThat(refused.getStatus().value()).isEqualTo(429);
		JsonNode error = JSON.readTree(refused.getResponseBody()).get("error");
		assertThat(error.get("type").stringValue()).isEqualTo("requests");
		assertThat(error.get("code").stringValue()).isEqualTo("rate_limit_exceeded");
		assertThat(error.get("param").isNull()).isTrue();
		assertThat(error.get("message").stringValue())
			.isEqualTo("Rate limit reached for tenant rpm-team on requests per min (RPM): Limit 2, Requested 1. "
					+ "Please try again in 30s.");
		HttpHeaders headers = refused.getResponseHeaders();
		assertThat(headers.getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("30");
		assertThat(headers.getFirst("x-should-retry")).isNull();
		assertThat(headers.getFirst("x-ratelimit-remaining-requests")).isEqualTo("0");
		assertThat(headers.getFirst("x-ratelimit-reset-requests")).isEqualTo("1m0s");
		assertThat(upstream.calls()).hasSize(callsBefore);

		this.clock.advance(Duration.ofSeconds(30));
		assertThat(embed("rpm-team", "\"hello\"").getStatus().value()).isEqualTo(200);
		assertThat(this.meters.get("gateway.ratelimit.rejections")
			.tags("tenant", "rpm-team", "kind", "requests")
			.counter()
			.count()).isEqualTo(1);
	}

	@Test
	void booksWhatTheUpstreamCountedNotTheEstimate() {
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.withRequestBody(containing("costly"))
				.willReturn(aResponse().withHeader("Content-Type", "application/json")
					.withBody("{\"data\":[{\"index\":0,\"embedding\":" + vector() + "}],"
							+ "\"usage\":{\"prompt_tokens\":300,\"total_tokens\":300}}")));

		EntityExchangeResult<byte[]> costly = embed("tpm-team", "\"costly\"");
		assertThat(costly.getStatus().value()).isEqualTo(200);
		// Estimated at 2 tokens (6 characters) before the call.
		assertThat(costly.getResponseHeaders().getFirst("x-ratelimit-remaining-tokens")).isEqualTo("998");

		EntityExchangeResult<byte[]> next = embed("tpm-team", "\"x\"");

		// 1000 - 300 spent (not 2) - 1 estimated for this one.
		assertThat(next.getResponseHeaders().getFirst("x-ratelimit-remaining-tokens")).isEqualTo("699");
		assertThat(next.getResponseHeaders().getFirst("x-ratelimit-limit-tokens")).isEqualTo("1000");
		assertThat(next.getResponseHeaders().getFirst("x-ratelimit-limit-requests")).isNull();
		assertThat(this.meters.get("gateway.cost")
			.tags("tenant", "tpm-team", "model", "BAAI/bge-m3", "currency", "USD")
			.counter()
			.count()).isCloseTo(301 * 2.0 / 1_000_000, org.assertj.core.data.Offset.offset(1e-12));
	}

	@Test
	void stopsATenantAtItsDayBudgetUntilTheDayRollsOver() {
		this.clock.set(Instant.parse("2026-12-02T23:59:00Z"));
		String tenWords = "\"a b c d e f g h i j\"";
		assertThat(embed("day-team", tenWords).getStatus().value()).isEqualTo(200);
		assertThat(embed("day-team", tenWords).getStatus().value()).isEqualTo(200);

		EntityExchangeResult<byte[]> spent = embed("day-team", tenWords);

		assertThat(spent.getStatus().value()).isEqualTo(429);
		JsonNode error = JSON.readTree(spent.getResponseBody()).get("error");
		assertThat(error.get("type").stringValue()).isEqualTo("tokens");
		assertThat(error.get("message").stringValue()).contains("day's token budget of tenant day-team is exhausted")
			.contains("Limit 20, Used 20, Requested 10")
			.contains("resets at 2026-12-03T00:00:00Z");
		// The day ends within a minute: an honest retry-after.
		assertThat(spent.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("60");
		assertThat(gauge("day-team", "day")).isZero();

		this.clock.set(Instant.parse("2026-12-03T00:00:01Z"));
		assertThat(embed("day-team", tenWords).getStatus().value()).isEqualTo(200);
		assertThat(gauge("day-team", "day")).isEqualTo(10);
		assertThat(gauge("day-team", "month")).isEqualTo(970);
	}

	@Test
	void saysAMonthBudgetIsSpentUntilTheMonthEndsAndNotToRetry() {
		this.clock.set(TestClock.START);
		assertThat(embed("month-team", "\"a b c\"").getStatus().value()).isEqualTo(200);

		EntityExchangeResult<byte[]> spent = embed("month-team", "\"a b c\"");

		assertThat(spent.getStatus().value()).isEqualTo(429);
		assertThat(JSON.readTree(spent.getResponseBody()).get("error").get("message").stringValue())
			.contains("exhausted until the end of the month")
			.contains("resets at 2027-01-01T00:00:00Z");
		assertThat(spent.getResponseHeaders().getFirst("x-should-retry")).isEqualTo("false");
		assertThat(spent.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isNull();
		assertThat(spent.getResponseHeaders().getFirst("x-ratelimit-limit-tokens")).isEqualTo("5");
		assertThat(spent.getResponseHeaders().getFirst("x-ratelimit-remaining-tokens")).isEqualTo("2");
	}

	@Test
	void sendsNoRateLimitHeadersToATenantWithoutLimits() {
		EntityExchangeResult<byte[]> answer = embed(null, "\"hello\"");
		assertThat(answer.getStatus().value()).isEqualTo(200);
		assertThat(answer.getResponseHeaders().headerNames()).noneMatch((name) -> name.startsWith("x-ratelimit"));
	}

	@Test
	void neverConnectsToRedisWhenNoneIsConfigured() throws IOException {
		embed("probe-team", "\"hello\"");
		embed(null, "\"hello\"");
		notRedis.setSoTimeout(200);
		try {
			notRedis.accept().close();
			throw new AssertionError("The gateway connected to the Redis port although no host or URL is set");
		}
		catch (SocketTimeoutException expected) {
			// Nobody connected.
		}
	}

	private double gauge(String tenant, String period) {
		return this.meters.get("gateway.ratelimit.budget.remaining")
			.tags("tenant", tenant, "period", period)
			.gauge()
			.value();
	}

	private EntityExchangeResult<byte[]> embed(String tenant, String input) {
		String key = (tenant != null) ? key(tenant) : FakeSiliconFlow.SEARCH_KEY;
		return new GatewayClient(this.port).embed(key, "{\"model\":\"BAAI/bge-m3\",\"input\":" + input + "}");
	}

	private static String vector() {
		StringBuilder json = new StringBuilder("[");
		for (int i = 0; i < 1024; i++) {
			json.append((i > 0) ? "," : "").append("0.5");
		}
		return json.append("]").toString();
	}

	private static ServerSocket listen() {
		try {
			return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
