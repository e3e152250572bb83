package com.embeddinggateway.cache;

import java.util.List;
import java.util.Map;

import com.embeddinggateway.FakeSiliconFlow;
import com.embeddinggateway.GatewayClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/** With {@code scope: per-tenant}, one tenant's vectors never answer another tenant. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PerTenantCacheIntegrationTests {

	static final FakeSiliconFlow upstream = new FakeSiliconFlow();

	static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void gateway(DynamicPropertyRegistry registry) {
		upstream.register(registry);
		registry.add("gateway.cache.enabled", () -> "true");
		registry.add("gateway.cache.scope", () -> "per-tenant");
	}

	@AfterAll
	static void stopUpstream() {
		upstream.stop();
	}

	@Test
	void keepsEachTenantsEntriesToItself() {
		List<String> inputs = CacheIntegrationTests.texts("private", 0, 2);
		embed(FakeSiliconFlow.SEARCH_KEY, inputs);

		EntityExchangeResult<byte[]> chat = embed(FakeSiliconFlow.CHAT_KEY, inputs);
		EntityExchangeResult<byte[]> searchAgain = embed(FakeSiliconFlow.SEARCH_KEY, inputs);
		EntityExchangeResult<byte[]> chatAgain = embed(FakeSiliconFlow.CHAT_KEY, inputs);

		assertThat(chat.getResponseHeaders().getFirst("x-cache-hits")).isEqualTo("0");
		assertThat(searchAgain.getResponseHeaders().getFirst("x-cache-hits")).isEqualTo("2");
		assertThat(chatAgain.getResponseHeaders().getFirst("x-cache-hits")).isEqualTo("2");
		CacheIntegrationTests.assertVectors(json.readTree(chat.getResponseBody()), inputs,
				FakeSiliconFlow.nativeDimensions("BAAI/bge-m3"));
		assertThat(upstream.inputsSent()).containsExactly(inputs.get(0), inputs.get(1), inputs.get(0), inputs.get(1));
	}

	private EntityExchangeResult<byte[]> embed(String key, List<String> inputs) {
		EntityExchangeResult<byte[]> result = new GatewayClient(this.port).embed(key,
				json.writeValueAsString(Map.of("model", "BAAI/bge-m3", "input", inputs)));
		assertThat(result.getStatus().value()).isEqualTo(200);
		return result;
	}

}
