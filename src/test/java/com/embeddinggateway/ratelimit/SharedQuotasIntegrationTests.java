package com.embeddinggateway.ratelimit;

import com.embeddinggateway.FakeSiliconFlow;
import com.embeddinggateway.Fixtures;
import com.embeddinggateway.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateway replicas sharing one real Redis hold one limit between them: a tenant's
 * requests and tokens per minute, an upstream account's requests per minute, and a 429
 * cooldown that one of them learned. Both replicas' clocks stand still, so no limit
 * refills while a test runs.
 */
class SharedQuotasIntegrationTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	static final FakeSiliconFlow upstream = new FakeSiliconFlow();

	static final JsonMapper JSON = JsonMapper.builder().build();

	static GatewayInstance a;

	static GatewayInstance b;

	@BeforeAll
	static void startTwoReplicas() {
		String[] properties = { "gateway.tenants[2].id=rpm-team", key(2, "rpm-team"),
				"gateway.tenants[2].limits.requests-per-minute=4", "gateway.tenants[3].id=tpm-team", key(3, "tpm-team"),
				"gateway.tenants[3].limits.tokens-per-minute=100", "gateway.models[0].name=acct/model",
				"gateway.models[0].deployments[0].upstream=siliconflow",
				"gateway.models[0].deployments[0].limits.requests-per-minute=3", "gateway.models[1].name=cool/model",
				"gateway.models[1].upstream=siliconflow", "gateway.rate-limit.upstream-max-wait=0ms",
				"gateway.resilience.retry.max-attempts=1",
				// A replica's first Redis call connects and loads the scripts: on a busy
				// machine that took longer than the default 100 ms, and the replica
				// rightly fell back on its local limits.
				"gateway.rate-limit.redis-timeout=5s" };
		a = GatewayInstance.start(upstream, redis, properties);
		b = GatewayInstance.start(upstream, redis, properties);
	}

	@AfterAll
	static void stop() {
		if (a != null) {
			a.close();
		}
		if (b != null) {
			b.close();
		}
		upstream.stop();
	}

	@BeforeEach
	void reset() {
		upstream.reset();
	}

	@AfterEach
	void neverFellBackOnLocalLimits() {
		for (GatewayInstance gateway : new GatewayInstance[] { a, b }) {
			assertThat(gateway.meters().find("gateway.ratelimit.store.errors").counters()).isEmpty();
		}
	}

	static String key(int index, String id) {
		return "gateway.tenants[" + index + "].api-key-sha256[0]=" + Fixtures.sha256("eg-" + id + "-key");
	}

	@Test
	void holdsOneRequestsPerMinuteLimitAcrossReplicas() {
		assertThat(status(a, "rpm-team", "BAAI/bge-m3", "\"x\"")).isEqualTo(200);
		assertThat(status(b, "rpm-team", "BAAI/bge-m3", "\"x\"")).isEqualTo(200);
		assertThat(status(a, "rpm-team", "BAAI/bge-m3", "\"x\"")).isEqualTo(200);
		EntityExchangeResult<byte[]> fourth = embed(b, "rpm-team", "BAAI/bge-m3", "\"x\"");
		assertThat(fourth.getStatus().value()).isEqualTo(200);
		assertThat(fourth.getResponseHeaders().getFirst("x-ratelimit-remaining-requests")).isEqualTo("0");

		EntityExchangeResult<byte[]> refused = embed(a, "rpm-team", "BAAI/bge-m3", "\"x\"");

		assertThat(refused.getStatus().value()).isEqualTo(429);
		assertThat(refused.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("15");
		assertThat(status(b, "rpm-team", "BAAI/bge-m3", "\"x\"")).isEqualTo(429);
		assertThat(upstream.calls()).hasSize(4);
	}

	@Test
	void holdsOneTokensPerMinuteLimitAcrossReplicas() {
		String fortyWords = "\"" + "w ".repeat(39) + "w\"";
		assertThat(status(a, "tpm-team", "BAAI/bge-m3", fortyWords)).isEqualTo(200);
		assertThat(status(b, "tpm-team", "BAAI/bge-m3", fortyWords)).isEqualTo(200);

		EntityExchangeResult<byte[]> refused = embed(a, "tpm-team", "BAAI/bge-m3", fortyWords);

		assertThat(refused.getStatus().value()).isEqualTo(429);
		assertThat(JSON.readTree(refused.getResponseBody()).get("error").get("type").stringValue()).isEqualTo("tokens");
		// 80 of 100 tokens spent: 40 more fit once 20 have refilled, in 12 s.
		assertThat(refused.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("12");
		assertThat(refused.getResponseHeaders().getFirst("x-ratelimit-remaining-tokens")).isEqualTo("20");
		assertThat(upstream.calls()).hasSize(2);
	}

	@Test
	void holdsOneUpstreamAccountBudgetAcrossReplicas() {
		assertThat(status(a, null, "acct/model", "\"x\"")).isEqualTo(200);
		assertThat(status(b, null, "acct/model", "\"x\"")).isEqualTo(200);
		assertThat(status(a, null, "acct/model", "\"x\"")).isEqualTo(200);

		EntityExchangeResult<byte[]> refused = embed(b, null, "acct/model", "\"x\"");

		assertThat(refused.getStatus().value()).isEqualTo(429);
		assertThat(JSON.readTree(refused.getResponseBody()).get("error").get("message").stringValue())
			.contains("upstream account's budget for acct/model on requests per min (RPM): Limit 3");
		assertThat(refused.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("20");
		assertThat(upstream.calls()).hasSize(3);
		assertThat(b.meters()
			.get("gateway.upstream.budget.rejections")
			.tags("upstream", "siliconflow", "model", "acct/model")
			.counter()
			.count()).isEqualTo(1);
	}

	@Test
	void honoursA429CooldownLearnedByTheOtherReplica() {
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.withRequestBody(containing("cool/model"))
				.willReturn(aResponse().withStatus(429)
					.withHeader("Retry-After", "30")
					.withBody("{\"message\":\"Request was rejected due to rate limiting. Details:RPM limit reached.\","
							+ "\"data\":null}")));
		assertThat(status(a, null, "cool/model", "\"x\"")).isEqualTo(429);
		assertThat(upstream.calls()).hasSize(1);
		upstream.reset();

		EntityExchangeResult<byte[]> held = embed(b, null, "cool/model", "\"x\"");

		assertThat(held.getStatus().value()).isEqualTo(429);
		assertThat(Long.parseLong(held.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER))).isBetween(1L, 30L);
		assertThat(upstream.calls()).isEmpty();
	}

	private static int status(GatewayInstance gateway, String tenant, String model, String input) {
		return embed(gateway, tenant, model, input).getStatus().value();
	}

	private static EntityExchangeResult<byte[]> embed(GatewayInstance gateway, String tenant, String model,
			String input) {
		String key = (tenant != null) ? "eg-" + tenant + "-key" : FakeSiliconFlow.SEARCH_KEY;
		return gateway.client().embed(key, "{\"model\":\"" + model + "\",\"input\":" + input + "}");
	}

}
