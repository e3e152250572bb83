package com.embeddinggateway.cache;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.embeddinggateway.EmbeddingGatewayApplication;
import com.embeddinggateway.FakeSiliconFlow;
import com.embeddinggateway.GatewayClient;
import com.embeddinggateway.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/** Two gateways sharing one real Redis, as two replicas do. */
class RedisCacheIntegrationTests {

	static final JsonMapper json = JsonMapper.builder().build();

	static final int BGE_M3 = FakeSiliconFlow.nativeDimensions("BAAI/bge-m3");

	FakeSiliconFlow upstream;

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	ConfigurableApplicationContext first;

	ConfigurableApplicationContext second;

	@BeforeEach
	void start() throws Exception {
		if (!"+PONG".equals(redis.command("PING"))) {
			// The test before killed it.
			redis.start();
		}
		redis.flush();
		this.upstream = new FakeSiliconFlow();
		this.first = gateway();
		this.second = gateway();
	}

	@AfterEach
	void stop() throws Exception {
		for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] { this.first,
				this.second }) {
			if (context != null) {
				context.close();
			}
		}
		if (this.upstream != null) {
			this.upstream.stop();
		}
	}

	@Test
	void aTextEmbeddedThroughOneGatewayIsAHitThroughTheOther() {
		List<String> inputs = CacheIntegrationTests.texts("replicas", 0, 3);
		embed(this.first, inputs, "float");

		EntityExchangeResult<byte[]> fromRedis = embed(this.second, inputs, "float");
		EntityExchangeResult<byte[]> fromMemory = embed(this.second, inputs, "float");

		assertThat(fromRedis.getResponseHeaders().getFirst("x-cache-hits")).isEqualTo("3");
		assertThat(fromMemory.getResponseHeaders().getFirst("x-cache-hits")).isEqualTo("3");
		JsonNode reply = json.readTree(fromRedis.getResponseBody());
		CacheIntegrationTests.assertVectors(reply, inputs, BGE_M3);
		assertThat(reply.get("usage").get("prompt_tokens").intValue()).isEqualTo(CacheIntegrationTests.tokens(inputs));
		assertThat(this.upstream.inputsSent()).containsExactlyElementsOf(inputs);
	}

	@Test
	void keepsAnsweringFromMemoryAndTheUpstreamWhenRedisDies() throws Exception {
		List<String> known = CacheIntegrationTests.texts("before", 0, 2);
		embed(this.second, known, "float");
		redis.kill();
		List<String> mixed = List.of(known.get(0), "after 00001", known.get(1), "after 00002");

		long start = System.nanoTime();
		EntityExchangeResult<byte[]> reply = embed(this.second, mixed, "base64");
		EntityExchangeResult<byte[]> other = embed(this.first, mixed, "float");
		Duration took = Duration.ofNanos(System.nanoTime() - start);

		assertThat(reply.getResponseHeaders().getFirst("x-cache-hits")).isEqualTo("2");
		CacheIntegrationTests.assertVectors(json.readTree(other.getResponseBody()), mixed, BGE_M3);
		// Far below any upstream or request timeout; the Redis timeout is 100 ms.
		assertThat(took).isLessThan(Duration.ofSeconds(15));
		assertThat(this.upstream.inputsSent()).containsExactly(known.get(0), known.get(1), "after 00001", "after 00002",
				known.get(0), "after 00001", known.get(1), "after 00002");
	}

	private ConfigurableApplicationContext gateway() {
		Map<String, Object> properties = new HashMap<>();
		this.upstream.register((name, value) -> properties.put(name, value.get()));
		properties.put("gateway.cache.enabled", "true");
		properties.put("spring.data.redis.host", "127.0.0.1");
		properties.put("spring.data.redis.port", redis.port());
		properties.put("server.port", 0);
		properties.put("management.server.port", 0);
		// As arguments: default properties would lose to application.yml's port.
		String[] arguments = properties.entrySet()
			.stream()
			.map((property) -> "--" + property.getKey() + "=" + property.getValue())
			.toArray(String[]::new);
		return new SpringApplicationBuilder(EmbeddingGatewayApplication.class).run(arguments);
	}

	private EntityExchangeResult<byte[]> embed(ConfigurableApplicationContext gateway, List<String> inputs,
			String format) {
		int port = Integer.parseInt(gateway.getEnvironment().getProperty("local.server.port"));
		EntityExchangeResult<byte[]> result = new GatewayClient(port).embed(FakeSiliconFlow.SEARCH_KEY,
				json.writeValueAsString(Map.of("model", "BAAI/bge-m3", "input", inputs, "encoding_format", format)));
		assertThat(result.getStatus().value()).as(new String(result.getResponseBody())).isEqualTo(200);
		return result;
	}

}
