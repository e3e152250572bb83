package com.embeddinggateway.fanout;

import java.util.ArrayList;
import java.util.List;

import com.embeddinggateway.catalog.Deployment;
import com.embeddinggateway.catalog.ModelSpec;
import com.embeddinggateway.resilience.Deadline;
import com.embeddinggateway.resilience.ResilientUpstream;
import com.embeddinggateway.upstream.UpstreamBatch;
import com.embeddinggateway.upstream.UpstreamCall;
import com.embeddinggateway.upstream.UpstreamFailure;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * Plans, runs and reassembles the upstream calls of one request.
 * <p>
 * {@code flatMapSequential} runs up to {@code max-parallel-calls} calls at once and emits
 * their answers in plan order, which is what keeps {@code data[i]} the vector of input
 * {@code i}. If any call finally fails, the error cancels the calls still in flight and
 * the request fails: a partial answer is never returned.
 */
@Component
public class EmbeddingFanout {

	private static final Log logger = LogFactory.getLog(EmbeddingFanout.class);

	/** A float32 component as JSON, comma included: {@code -0.012345678,}. */
	static final int JSON_BYTES_PER_NUMBER = 12;

	private final ResilientUpstream upstream;

	private final int maxParallelCalls;

	private final BatchSizes batchSizes;

	public EmbeddingFanout(ResilientUpstream upstream, FanoutProperties properties) {
		this.upstream = upstream;
		this.maxParallelCalls = properties.maxParallelCalls();
		this.batchSizes = new BatchSizes(properties.batchSizeRecovery(), () -> System.nanoTime() / 1_000_000);
	}

	/** Embeds all of {@code call}'s inputs with {@code model} before {@code deadline}. */
	public Mono<Embeddings> embed(ModelSpec model, UpstreamCall call, Deadline deadline) {
		return run(model, call, batchSize(model), deadline, this.maxParallelCalls).collectList()
			.flatMap((batches) -> assemble(model, batches));
	}

	/**
	 * {@code call} in parts of {@code batchSize}, with at most {@code slots} calls in
	 * flight. A part split again after a 413 shares its own slots among its parts, so a
	 * request never has more than {@code max-parallel-calls} calls in flight.
	 */
	private Flux<UpstreamBatch> run(ModelSpec model, UpstreamCall call, int batchSize, Deadline deadline, int slots) {
		if (call.inputs().size() <= batchSize) {
			// One part: nothing to order or to run side by side.
			return send(model, call, deadline, slots);
		}
		List<List<String>> parts = partition(call.inputs(), batchSize);
		int concurrency = Math.min(slots, parts.size());
		int share = Math.max(1, slots / concurrency);
		return Flux.fromIterable(parts)
			.flatMapSequential((part) -> send(model, call.withInputs(part), deadline, share), concurrency);
	}

	/**
	 * One call; on a 413 its inputs are sent again in smaller parts. Only a 413 that
	 * names the size allowed teaches later requests: one that does not (a proxy's body
	 * limit, a transient refusal) halves this call alone.
	 */
	private Flux<UpstreamBatch> send(ModelSpec model, UpstreamCall call, Deadline deadline, int slots) {
		return this.upstream.embed(model, call, deadline)
			.flux()
			.onErrorResume(UpstreamFailure.BatchTooLarge.class, (tooLarge) -> {
				int sent = call.inputs().size();
				if (sent <= 1) {
					return Flux.error(tooLarge);
				}
				int allowed = tooLarge.maxBatchSize();
				if (allowed <= 0 || allowed >= sent) {
					return run(model, call, (sent + 1) / 2, deadline, slots);
				}
				if (this.batchSizes.learn(new Deployment(tooLarge.upstream(), tooLarge.model()), allowed)) {
					logger.info("Upstream " + tooLarge.upstream() + " refused a batch for " + tooLarge.model()
							+ "; sending it at most " + allowed + " inputs per call for now");
				}
				return run(model, call, allowed, deadline, slots);
			});
	}

	private Mono<Embeddings> assemble(ModelSpec model, List<UpstreamBatch> batches) {
		long tokens = 0;
		for (UpstreamBatch batch : batches) {
			if (batch.dimensions() != batches.get(0).dimensions()) {
				return Mono.error(new UpstreamFailure.BadResponse(
						"Upstream answered " + model.name() + " vectors of different lengths", 200));
			}
			tokens += batch.promptTokens();
		}
		return Mono.just(new Embeddings(batches, tokens));
	}

	/**
	 * Bytes of upstream answers one request holds at the same time. With one upstream
	 * call, its answer is copied to the caller as soon as it arrives. Split over several,
	 * every answer waits for the last one, so the request holds them all: about
	 * {@value #JSON_BYTES_PER_NUMBER} bytes of JSON per number.
	 */
	public long answerBytesHeld(ModelSpec model, int inputs, int dimensions) {
		return (inputs <= batchSize(model)) ? 0 : (long) inputs * dimensions * JSON_BYTES_PER_NUMBER;
	}

	int batchSize(ModelSpec model) {
		return this.batchSizes.of(model);
	}

	static <T> List<List<T>> partition(List<T> items, int size) {
		List<List<T>> parts = new ArrayList<>((items.size() + size - 1) / size);
		for (int from = 0; from < items.size(); from += size) {
			parts.add(items.subList(from, Math.min(items.size(), from + size)));
		}
		return parts;
	}

}
