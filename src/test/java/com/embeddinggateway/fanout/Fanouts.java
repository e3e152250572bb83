package com.embeddinggateway.fanout;

import java.time.Duration;
import java.util.List;

import com.embeddinggateway.catalog.CatalogProperties;
import com.embeddinggateway.metrics.GatewayMetrics;
import com.embeddinggateway.observability.RequestTracing;
import com.embeddinggateway.ratelimit.AccountBudgets;
import com.embeddinggateway.resilience.ResilienceProperties;
import com.embeddinggateway.resilience.ResilientUpstream;
import com.embeddinggateway.upstream.EmbeddingUpstream;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The gateway's real fan-out and resilience in front of an in-process upstream. */
public final class Fanouts {

	private Fanouts() {
	}

	/**
	 * A fan-out of at most {@code maxParallelCalls} calls at once to {@code upstream}.
	 */
	public static EmbeddingFanout over(EmbeddingUpstream upstream, int maxParallelCalls) {
		return new EmbeddingFanout(resilient(upstream), new FanoutProperties(maxParallelCalls, Duration.ofMinutes(10)));
	}

	private static ResilientUpstream resilient(EmbeddingUpstream upstream) {
		ResilienceProperties properties = new ResilienceProperties(Duration.ofSeconds(60), Duration.ofSeconds(20),
				new ResilienceProperties.Retry(1, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofMillis(100),
						1.0, Duration.ofSeconds(10), 100),
				new ResilienceProperties.Breaker(50, 50, null, 20, 10, Duration.ofSeconds(30), 3),
				new ResilienceProperties.Pacing(64, 1, true), null);
		GatewayMetrics metrics = new GatewayMetrics(new SimpleMeterRegistry());
		return new ResilientUpstream(upstream, properties, metrics, new SimpleMeterRegistry(), RequestTracing.NOOP,
				AccountBudgets.inMemory(new CatalogProperties(List.of()), metrics));
	}

}
