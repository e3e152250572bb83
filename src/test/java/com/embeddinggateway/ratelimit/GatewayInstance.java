package com.embeddinggateway.ratelimit;

import java.util.ArrayList;
import java.util.List;

import com.embeddinggateway.EmbeddingGatewayApplication;
import com.embeddinggateway.FakeSiliconFlow;
import com.embeddinggateway.GatewayClient;
import com.embeddinggateway.RedisServer;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One gateway replica on random ports, pointed at the fake upstream and at the test's own
 * Redis, as a pod of a deployment would be: two of them share the state in Redis and
 * nothing else.
 */
final class GatewayInstance implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private GatewayInstance(ConfigurableApplicationContext context) {
		this.context = context;
	}

	static GatewayInstance start(FakeSiliconFlow upstream, RedisServer redis, String... properties) {
		List<String> all = new ArrayList<>();
		upstream.register((name, value) -> all.add(name + "=" + value.get()));
		all.add("server.port=0");
		all.add("management.server.port=0");
		all.add("spring.data.redis.host=127.0.0.1");
		all.add("spring.data.redis.port=" + redis.port());
		all.addAll(List.of(properties));
		// As command-line arguments: they win over application.yml, as they would in a
		// pod.
		return new GatewayInstance(
				new SpringApplicationBuilder(EmbeddingGatewayApplication.class, TestClock.Replacement.class)
					.run(all.stream().map((property) -> "--" + property).toArray(String[]::new)));
	}

	GatewayClient client() {
		return new GatewayClient(this.context.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
	}

	MeterRegistry meters() {
		return this.context.getBean(MeterRegistry.class);
	}

	@Override
	public void close() {
		this.context.close();
	}

}
