package com.embeddinggateway.fanout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.embeddinggateway.catalog.Deployment;
import com.embeddinggateway.catalog.ModelSpec;
import com.embeddinggateway.resilience.Deadline;
import com.embeddinggateway.upstream.ApiKey;
import com.embeddinggateway.upstream.EmbeddingUpstream;
import com.embeddinggateway.upstream.UpstreamBatch;
import com.embeddinggateway.upstream.UpstreamCall;
import com.embeddinggateway.upstream.UpstreamFailures;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddingFanoutTests {

	static final ModelSpec MODEL = new ModelSpec("m", List.of(new Deployment("up", "m")), 32, 512, 3, List.of(),
			List.of());

	final AtomicInteger inFlight = new AtomicInteger();

	final AtomicInteger mostInFlight = new AtomicInteger();

	@Test
	void partsSplitAgainAfterA413StayWithinMaxParallelCalls() {
		// Refuses more than 4 inputs without naming a size: 64 inputs end as 16 calls of
		// 4.
		EmbeddingUpstream upstream = (call) -> Mono.defer(() -> {
			this.mostInFlight.accumulateAndGet(this.inFlight.incrementAndGet(), Math::max);
			Mono<UpstreamBatch> answer = (call.inputs().size() > 4)
					? Mono.error(UpstreamFailures.batchTooLarge(call.upstream(), call.model()))
					: Mono.just(UpstreamFailures.parse(answer(call.inputs().size()), call.inputs().size()));
			return Mono.delay(Duration.ofMillis(20)).then(answer).doOnTerminate(this.inFlight::decrementAndGet);
		});
		EmbeddingFanout fanout = Fanouts.over(upstream, 4);
		List<String> inputs = IntStream.range(0, 64).mapToObj((i) -> "text " + i).toList();

		Embeddings embeddings = fanout
			.embed(MODEL, new UpstreamCall("up", "m", inputs, null, 0, ApiKey.none(), "req"),
					Deadline.after(Duration.ofSeconds(60), Schedulers.parallel()))
			.block(Duration.ofSeconds(60));

		assertThat(embeddings.size()).isEqualTo(64);
		assertThat(embeddings.batches()).hasSize(16);
		assertThat(this.mostInFlight).hasValueLessThanOrEqualTo(4);
	}

	private static String answer(int inputs) {
		return IntStream.range(0, inputs)
			.mapToObj((i) -> "{\"index\":" + i + ",\"embedding\":[1,2,3]}")
			.collect(Collectors.joining(",", "{\"data\":[", "],\"usage\":{\"prompt_tokens\":1}}"));
	}

}
