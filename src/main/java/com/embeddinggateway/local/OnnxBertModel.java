package com.embeddinggateway.local;

import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.embeddinggateway.catalog.InvalidInputException;
import com.embeddinggateway.tokenizer.WordPieceTokenizer;

/**
 * One bge-small model on ONNX Runtime: tokenise, run, take the {@code [CLS]} vector,
 * normalise. That is bge's own recipe (CLS pooling, then L2 normalisation) and what
 * langchain4j's {@code BgeSmall*V15QuantizedEmbeddingModel} does ({@code PoolingMode.CLS}
 * on output 0, {@code last_hidden_state}), so the vectors agree with langchain4j's.
 * <p>
 * Unlike langchain4j, which splits a long text into 510-token windows and averages them,
 * a text over the window is refused: a silently different vector is worse than an error.
 * <p>
 * Thread-safe: ONNX Runtime allows concurrent {@code run} calls on one session.
 */
final class OnnxBertModel implements AutoCloseable {

	/**
	 * BERT's learned position embeddings have 512 rows, and {@code [CLS]} and
	 * {@code [SEP]} take two of them, so a text may have at most 510 tokens of its own.
	 */
	static final int MAX_TOKENS = 512;

	private final SmallModel model;

	private final WordPieceTokenizer tokenizer;

	private final OrtEnvironment environment;

	private final OrtSession session;

	private final boolean takesTokenTypes;

	private OnnxBertModel(SmallModel model, WordPieceTokenizer tokenizer, OrtEnvironment environment,
			OrtSession session) throws OrtException {
		this.model = model;
		this.tokenizer = tokenizer;
		this.environment = environment;
		this.session = session;
		this.takesTokenTypes = session.getInputNames().contains("token_type_ids");
		checkOutput();
	}

	static OnnxBertModel load(SmallModel model, WordPieceTokenizer tokenizer, int intraOpThreads) {
		byte[] onnx = model.onnx();
		OrtEnvironment environment = environment();
		try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
			options.setIntraOpNumThreads(intraOpThreads);
			options.setInterOpNumThreads(1);
			options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
			options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
			OrtSession session = environment.createSession(onnx, options);
			try {
				return new OnnxBertModel(model, tokenizer, environment, session);
			}
			catch (OrtException | RuntimeException ex) {
				session.close();
				throw ex;
			}
		}
		catch (OrtException ex) {
			throw new IllegalStateException("Could not load " + model.onnxResource(), ex);
		}
	}

	/**
	 * ONNX Runtime's environment, created on a thread with a deep stack. Loading its
	 * native library recurses about once per character of the process's command line,
	 * some 450 bytes of stack each (measured with 1.29.0 on Linux x86-64): on the default
	 * 1 MB stack a command line of more than about 4,000 characters ended the process
	 * with SIGSEGV. {@code ./mvnw spring-boot:run} and {@code java -cp} pass the whole
	 * classpath on the command line, about 12,000 characters here; the fat jar's is
	 * short. 256 MB of stack is reserved address space, not memory, and covers command
	 * lines of over half a million characters.
	 */
	private static OrtEnvironment environment() {
		AtomicReference<Object> result = new AtomicReference<>();
		Thread thread = new Thread(null, () -> {
			try {
				result.set(OrtEnvironment.getEnvironment());
			}
			catch (Throwable ex) {
				result.set(ex);
			}
		}, "onnxruntime-start", 256L * 1024 * 1024);
		thread.start();
		try {
			thread.join();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while starting ONNX Runtime", ex);
		}
		if (result.get() instanceof OrtEnvironment environment) {
			return environment;
		}
		throw new IllegalStateException("Could not start ONNX Runtime", (Throwable) result.get());
	}

	private void checkOutput() throws OrtException {
		NodeInfo first = this.session.getOutputInfo().values().iterator().next();
		long[] shape = ((TensorInfo) first.getInfo()).getShape();
		if (shape.length != 3 || shape[2] != this.model.dimensions()) {
			throw new IllegalStateException(this.model.onnxResource() + " output " + first.getName() + " has shape "
					+ Arrays.toString(shape) + ", expected [batch, tokens, " + this.model.dimensions() + "]");
		}
	}

	String name() {
		return this.model.modelName();
	}

	int dimensions() {
		return this.model.dimensions();
	}

	/**
	 * Embeds {@code inputs}, refusing the whole call if any input exceeds the window.
	 * <p>
	 * Each text runs on its own. The models quantise activations to int8 at run time with
	 * one scale per tensor, so in a padded batch a text's vector would depend on the
	 * texts and padding beside it (measured: cosine 0.996 to the text's own vector,
	 * components off by up to 0.017). Alone, a text always gets the same vector, bit for
	 * bit langchain4j's; batching 64 short texts saved about a quarter of the time at
	 * best.
	 */
	LocalEmbeddings embed(List<String> inputs) {
		long[][] ids = new long[inputs.size()][];
		long tokens = 0;
		for (int i = 0; i < ids.length; i++) {
			ids[i] = this.tokenizer.ids(inputs.get(i), MAX_TOKENS);
			if (ids[i] == null) {
				throw new InvalidInputException("input",
						"Input at index " + i + " has more than " + MAX_TOKENS + " tokens, counting [CLS] and [SEP]; "
								+ name() + " accepts at most " + MAX_TOKENS + " tokens per input (" + (MAX_TOKENS - 2)
								+ " of its own).");
			}
			tokens += ids[i].length;
		}
		List<float[]> vectors = new ArrayList<>(ids.length);
		for (long[] text : ids) {
			vectors.add(run(text));
		}
		return new LocalEmbeddings(vectors, tokens);
	}

	private float[] run(long[] ids) {
		long[] shape = { 1, ids.length };
		long[] attentionMask = new long[ids.length];
		Arrays.fill(attentionMask, 1L);
		Map<String, OnnxTensor> feed = new HashMap<>();
		try {
			feed.put("input_ids", OnnxTensor.createTensor(this.environment, LongBuffer.wrap(ids), shape));
			feed.put("attention_mask",
					OnnxTensor.createTensor(this.environment, LongBuffer.wrap(attentionMask), shape));
			if (this.takesTokenTypes) {
				feed.put("token_type_ids",
						OnnxTensor.createTensor(this.environment, LongBuffer.wrap(new long[ids.length]), shape));
			}
			try (OrtSession.Result result = this.session.run(feed)) {
				// Output 0 is last_hidden_state [1, tokens, dimensions]; [CLS] is row 0.
				float[] cls = new float[dimensions()];
				((OnnxTensor) result.get(0)).getFloatBuffer().get(cls);
				return normalised(cls);
			}
		}
		catch (OrtException ex) {
			throw new IllegalStateException(name() + " failed to run", ex);
		}
		finally {
			feed.values().forEach(OnnxTensor::close);
		}
	}

	private static float[] normalised(float[] vector) {
		double sum = 0;
		for (float value : vector) {
			sum += value * value;
		}
		float norm = (float) Math.sqrt(sum);
		for (int i = 0; i < vector.length; i++) {
			vector[i] /= norm;
		}
		return vector;
	}

	@Override
	public void close() {
		try {
			this.session.close();
		}
		catch (OrtException ex) {
			throw new IllegalStateException("Could not close " + name(), ex);
		}
	}

}
