package com.embeddinggateway.local;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.embeddinggateway.catalog.ModelNotFoundException;
import com.embeddinggateway.tokenizer.WordPieceTokenizer;
import com.embeddinggateway.upstream.UpstreamFailure;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Serves BAAI/bge-small-zh-v1.5 and BAAI/bge-small-en-v1.5 from this process.
 * <p>
 * Inference is CPU-bound native code, so it never runs on an event loop: each call is one
 * task on a fixed pool of {@code workers} threads with a queue of at most
 * {@code queue-capacity} waiting calls. A call that finds the queue full fails at once as
 * {@link UpstreamFailure.Overloaded}, as an overloaded remote upstream would; an
 * unbounded backlog would only turn overload into timeouts for everyone.
 */
@Component
@ConditionalOnProperty(name = "gateway.local.enabled", havingValue = "true")
public class LocalModels implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(LocalModels.class);

	/**
	 * Longest {@link #close()} waits for running batches: a full batch of 32 inputs of
	 * 512 tokens on one thread takes a few seconds; see application.yml for the shutdown
	 * budget it is part of.
	 */
	public static final Duration CLOSE_WAIT = Duration.ofSeconds(15);

	private final Map<String, OnnxBertModel> models = new LinkedHashMap<>();

	private final ThreadPoolExecutor executor;

	private final Duration retryAfter;

	public LocalModels(LocalTokenizers tokenizers, LocalModelProperties properties) {
		try {
			for (SmallModel model : SmallModel.values()) {
				WordPieceTokenizer tokenizer = tokenizers.forModel(model.modelName());
				if (tokenizer == null) {
					throw new IllegalStateException("No tokenizer for " + model.modelName());
				}
				this.models.put(model.modelName(), OnnxBertModel.load(model, tokenizer, properties.intraOpThreads()));
			}
		}
		catch (RuntimeException ex) {
			this.models.values().forEach(OnnxBertModel::close);
			throw ex;
		}
		this.executor = new ThreadPoolExecutor(properties.workers(), properties.workers(), 0, TimeUnit.MILLISECONDS,
				new ArrayBlockingQueue<>(properties.queueCapacity()), workerThreads());
		this.retryAfter = properties.retryAfter();
	}

	private static ThreadFactory workerThreads() {
		AtomicInteger count = new AtomicInteger();
		return (task) -> {
			Thread thread = new Thread(task, "local-model-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/** Whether {@code model} (a catalog name) runs here. */
	public boolean serves(String model) {
		return this.models.containsKey(model);
	}

	/**
	 * Embeds {@code inputs} with {@code model} on a worker thread.
	 * <p>
	 * Fails with {@link UpstreamFailure.Overloaded} when the queue is full,
	 * {@link com.embeddinggateway.catalog.InvalidInputException} naming the first input
	 * over the 512-token window, or {@link ModelNotFoundException} for a model not served
	 * here. Cancelling before a worker takes the call frees its queue slot at once; a
	 * call already running finishes, as ONNX Runtime cannot be interrupted, and its
	 * result is dropped.
	 */
	public Mono<LocalEmbeddings> embed(String model, List<String> inputs) {
		@Nullable OnnxBertModel onnx = this.models.get(model);
		if (onnx == null) {
			return Mono.error(new ModelNotFoundException(model));
		}
		return Mono.<LocalEmbeddings>create((sink) -> {
			Future<?> task;
			try {
				task = this.executor.submit(() -> {
					try {
						sink.success(onnx.embed(inputs));
					}
					catch (Throwable ex) {
						// Also errors such as a native library that failed to link: the
						// executor would swallow them and leave the caller waiting.
						sink.error(ex);
					}
				});
			}
			catch (RejectedExecutionException ex) {
				sink.error(UpstreamFailure.Overloaded.inProcess(
						"The local model " + model + " is busy: " + this.executor.getQueue().size()
								+ " batches are already waiting. Retry after " + this.retryAfter.toSeconds() + " s.",
						this.retryAfter));
				return;
			}
			sink.onCancel(() -> {
				task.cancel(false);
				this.executor.remove((Runnable) task);
			});
		})
			// Hand the result to another thread, so that encoding the response does not
			// hold a worker that could be running the next batch.
			.publishOn(Schedulers.parallel());
	}

	/** Calls waiting for a worker. */
	int queued() {
		return this.executor.getQueue().size();
	}

	/**
	 * Lets queued and running batches finish before the sessions close: closing a session
	 * under a running batch would crash the process, not just fail the call.
	 * <p>
	 * This runs after the web server's graceful shutdown has waited for every request in
	 * flight, so what is left is at most one batch per worker whose caller went away
	 * (ONNX Runtime cannot be interrupted). The wait is bounded so that shutdown stays
	 * within the grace period the Helm chart and docker-compose.yml give the process.
	 */
	@Override
	public void close() {
		this.executor.shutdown();
		try {
			if (!this.executor.awaitTermination(CLOSE_WAIT.toSeconds(), TimeUnit.SECONDS)) {
				logger.warn("Local model batches still running after " + CLOSE_WAIT.toSeconds()
						+ " s; leaving their sessions open");
				return;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		this.models.values().forEach(OnnxBertModel::close);
	}

}
