package com.embeddinggateway.cache;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.embeddinggateway.catalog.Deployment;
import com.embeddinggateway.catalog.ModelSpec;
import com.embeddinggateway.fanout.Embeddings;
import com.embeddinggateway.fanout.Fanouts;
import com.embeddinggateway.metrics.GatewayMetrics;
import com.embeddinggateway.resilience.Deadline;
import com.embeddinggateway.tenancy.Tenant;
import com.embeddinggateway.upstream.ApiKey;
import com.embeddinggateway.upstream.EmbeddingUpstream;
import com.embeddinggateway.upstream.UpstreamCall;
import com.embeddinggateway.upstream.UpstreamFailures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddingCacheTests {

	static final ModelSpec MODEL = new ModelSpec("m", List.of(new Deployment("up", "m")), 32, 512, 3, List.of(),
			List.of());

	static final Tenant TENANT = new Tenant("t", null, ApiKey.none());

	@Test
	void aRequestArrivingAsAFailedSendIsAnsweredSendsTheTextAgain() throws Exception {
		AtomicBoolean failing = new AtomicBoolean(true);
		AtomicInteger callsAfterFailure = new AtomicInteger();
		EmbeddingUpstream upstream = (call) -> Mono.defer(() -> {
			if (failing.get()) {
				return Mono.error(UpstreamFailures.badResponse());
			}
			callsAfterFailure.incrementAndGet();
			return Mono.just(UpstreamFailures.batch());
		});
		EmbeddingCache cache = new EmbeddingCache(Fanouts.over(upstream, 4), properties(),
				new GatewayMetrics(new SimpleMeterRegistry()), new MockEnvironment(),
				new DefaultListableBeanFactory().getBeanProvider(ReactiveRedisConnectionFactory.class));
		CompletableFuture<Embeddings> second = new CompletableFuture<>();

		embed(cache).subscribe((embeddings) -> second.completeExceptionally(new AssertionError("the send succeeded")),
				(error) -> {
					// The first caller has its error, as a client has its 502, and sends
					// the text again at once.
					failing.set(false);
					embed(cache).subscribe(second::complete, second::completeExceptionally);
				});

		assertThat(second.get(30, TimeUnit.SECONDS).size()).isEqualTo(1);
		assertThat(callsAfterFailure).hasValue(1);
	}

	private static Mono<Embeddings> embed(EmbeddingCache cache) {
		return cache.embed(TENANT, MODEL, new UpstreamCall("up", "m", List.of("text"), null, 3, ApiKey.none(), "req"),
				Deadline.after(Duration.ofSeconds(30), Schedulers.parallel()), false);
	}

	private static CacheProperties properties() {
		return new CacheProperties(true, DataSize.ofMegabytes(16), Duration.ofDays(7), CacheProperties.Scope.SHARED,
				List.of(), List.of(), Duration.ofMillis(100));
	}

}
