package com.embeddinggateway.ratelimit;

import java.time.Duration;

import com.embeddinggateway.FakeSiliconFlow;
import com.embeddinggateway.Fixtures;
import com.embeddinggateway.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test's own {@code redis-server} killed under two replicas: the one failing open
 * keeps serving on its local limits, the one failing closed refuses with 503, neither
 * makes a request wait past a few Redis timeouts, and both use Redis again once it is
 * back.
 */
class RedisOutageIntegrationTests {

	/**
	 * Far below a hang (the request's deadline, 60 s), generous above the Redis timeout
	 * (1 s, itself generous for a busy machine's first connection).
	 */
	static final Duration PROMPT = Duration.ofSeconds(10);

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	static final FakeSiliconFlow upstream = new FakeSiliconFlow();

	static final JsonMapper JSON = JsonMapper.builder().build();

	static GatewayInstance open;

	static GatewayInstance closed;

	@BeforeAll
	static void startTwoReplicas() {
		String[] properties = { "gateway.tenants[2].id=team",
				"gateway.tenants[2].api-key-sha256[0]=" + Fixtures.sha256("eg-team-key"),
				"gateway.tenants[2].limits.requests-per-minute=1000", "gateway.rate-limit.redis-timeout=1s" };
		open = GatewayInstance.start(upstream, redis, properties);
		closed = GatewayInstance.start(upstream, redis, concat(properties, "gateway.rate-limit.fail-open=false"));
	}

	@AfterAll
	static void stop() {
		if (open != null) {
			open.close();
		}
		if (closed != null) {
			closed.close();
		}
		upstream.stop();
	}

	@Test
	void failsOpenOrClosedPromptlyWhileRedisIsDownAndUsesItAgainOnceBack() throws InterruptedException {
		assertThat(embed(open).getStatus().value()).isEqualTo(200);
		assertThat(embed(closed).getStatus().value()).isEqualTo(200);
		String rpmKey = RedisQuotaStore.tenantKey("team", "rpm");
		assertThat(redis.command("EXISTS " + rpmKey)).isEqualTo(":1");

		redis.kill();

		for (int i = 0; i < 3; i++) {
			long start = System.nanoTime();
			EntityExchangeResult<byte[]> served = embed(open);
			assertThat(served.getStatus().value()).isEqualTo(200);
			assertThat(served.getResponseHeaders().getFirst("x-ratelimit-limit-requests")).isEqualTo("1000");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PROMPT);

			start = System.nanoTime();
			EntityExchangeResult<byte[]> refused = embed(closed);
			assertThat(refused.getStatus().value()).isEqualTo(503);
			assertThat(JSON.readTree(refused.getResponseBody()).get("error").get("type").stringValue())
				.isEqualTo("service_unavailable");
			assertThat(refused.getResponseHeaders().getFirst("retry-after")).isEqualTo("1");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PROMPT);
		}
		assertThat(open.meters()
			.get("gateway.ratelimit.store.errors")
			.tags("operation", "admit", "decision", "open")
			.counter()
			.count()).isGreaterThanOrEqualTo(3);
		assertThat(closed.meters()
			.get("gateway.ratelimit.store.errors")
			.tags("operation", "admit", "decision", "closed")
			.counter()
			.count()).isGreaterThanOrEqualTo(3);

		redis.start();

		// Lettuce reconnects by itself, with a growing delay between attempts.
		long giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (embed(closed).getStatus().value() != 200 && System.nanoTime() < giveUp) {
			Thread.sleep(200);
		}
		assertThat(embed(closed).getStatus().value()).isEqualTo(200);
		assertThat(redis.command("EXISTS " + rpmKey)).isEqualTo(":1");
		assertThat(embed(open).getStatus().value()).isEqualTo(200);
	}

	private static EntityExchangeResult<byte[]> embed(GatewayInstance gateway) {
		return gateway.client().embed("eg-team-key", "{\"model\":\"BAAI/bge-m3\",\"input\":\"x\"}");
	}

	private static String[] concat(String[] properties, String more) {
		String[] all = java.util.Arrays.copyOf(properties, properties.length + 1);
		all[properties.length] = more;
		return all;
	}

}
