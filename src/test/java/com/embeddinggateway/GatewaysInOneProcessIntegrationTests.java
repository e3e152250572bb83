package com.embeddinggateway;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway's event loops are its own: stopping one gateway leaves another in the same
 * process serving.
 */
class GatewaysInOneProcessIntegrationTests {

	private final FakeSiliconFlow upstream = new FakeSiliconFlow();

	private final List<ConfigurableApplicationContext> gateways = new ArrayList<>();

	@AfterEach
	void stop() {
		this.gateways.forEach(ConfigurableApplicationContext::close);
		this.upstream.stop();
	}

	@Test
	void stoppingOneGatewayLeavesAnotherServing() {
		ConfigurableApplicationContext first = gateway();
		ConfigurableApplicationContext second = gateway();
		assertThat(embed(first, "first").getStatus().value()).isEqualTo(200);
		assertThat(embed(second, "second").getStatus().value()).isEqualTo(200);

		first.close();

		EntityExchangeResult<byte[]> after = embed(second, "after");
		assertThat(after.getStatus().value()).as(new String(after.getResponseBody())).isEqualTo(200);
		assertThat(this.upstream.inputsSent()).containsExactly("first", "second", "after");
	}

	private ConfigurableApplicationContext gateway() {
		List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--management.server.port=0"));
		this.upstream.register((name, value) -> arguments.add("--" + name + "=" + value.get()));
		ConfigurableApplicationContext gateway = new SpringApplicationBuilder(EmbeddingGatewayApplication.class)
			.run(arguments.toArray(String[]::new));
		this.gateways.add(gateway);
		return gateway;
	}

	private static EntityExchangeResult<byte[]> embed(ConfigurableApplicationContext gateway, String text) {
		int port = gateway.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		return new GatewayClient(port).embed(FakeSiliconFlow.SEARCH_KEY,
				"{\"model\":\"BAAI/bge-m3\",\"input\":[\"" + text + "\"]}");
	}

}
