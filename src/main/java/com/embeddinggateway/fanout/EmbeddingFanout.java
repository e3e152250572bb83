package com.embeddinggateway.fanout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

	/**
	 * Batch sizes learned from 413/20042 answers (SiliconFlow's real limit has been seen
	 * to differ from its spec's 32), so later requests stop paying for the split.
	 */
	private final Map<String, Integer> learnedBatchSizes = new ConcurrentHashMap<>();

	public EmbeddingFanout(ResilientUpstream upstream, FanoutProperties properties) {
		this.upstream = upstream;
		this.maxParallelCalls = properties.maxParallelCalls();
	}

	/** Embeds all of {@code call}'s inputs with {@code model} before {@code deadline}. */
	public Mono<Embeddings> embed(ModelSpec model, UpstreamCall call, Deadline deadline) {
		return run(model, call, batchSize(model), deadline).collectList()
			.flatMap((batches) -> assemble(model, batches));
	}

	private Flux<UpstreamBatch> run(ModelSpec model, UpstreamCall call, int batchSize, Deadline deadline) {
		if (call.inputs().size() <= batchSize) {
			// One part: nothing to order or to run side by side.
			return send(model, call, deadline);
		}
		return Flux.fromIterable(partition(call.inputs(), batchSize))
			.flatMapSequential((part) -> send(model, call.withInputs(part), deadline), this.maxParallelCalls);
	}

	private Flux<UpstreamBatch> send(ModelSpec model, UpstreamCall call, Deadline deadline) {
		return this.upstream.embed(model, call, deadline)
			.flux()
			.onErrorResume(UpstreamFailure.BatchTooLarge.class, (tooLarge) -> {
				int sent = call.inputs().size();
				if (sent <= 1) {
					return Flux.error(tooLarge);
				}
				int smaller = (tooLarge.maxBatchSize() > 0 && tooLarge.maxBatchSize() < sent) ? tooLarge.maxBatchSize()
						: (sent + 1) / 2;
				learn(model, smaller);
				return run(model, call, smaller, deadline);
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
		Integer learned = this.learnedBatchSizes.get(model.name());
		return (learned != null) ? Math.min(learned, model.maxBatchSize()) : model.maxBatchSize();
	}

	private void learn(ModelSpec model, int size) {
		int now = this.learnedBatchSizes.merge(model.name(), size, Math::min);
		if (now == size) {
			logger.info("Upstream refused a batch for " + model.name() + "; sending at most " + size
					+ " inputs per call from now on");
		}
	}

	static <T> List<List<T>> partition(List<T> items, int size) {
		List<List<T>> parts = new ArrayList<>((items.size() + size - 1) / size);
		for (int from = 0; from < items.size(); from += size) {
			parts.add(items.subList(from, Math.min(items.size(), from + size)));
		}
		return parts;
	}

}
