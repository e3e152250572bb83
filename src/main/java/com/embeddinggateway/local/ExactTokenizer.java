package com.embeddinggateway.local;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A bge model's WordPiece tokenizer, counting exactly the tokens the model sees.
 * <p>
 * Counts include {@code [CLS]} and {@code [SEP]}: the model reads both, and BERT's
 * 512-token window (its learned position embeddings have 512 rows) holds them too, so a
 * count compares directly with a 512-token limit. Truncation is off: DJL's default is to
 * cut every text at 512 tokens without a word, which would make an over-long text look
 * acceptable.
 * <p>
 * Only the Hugging Face tokenizers library is loaded, never ONNX Runtime.
 */
public final class ExactTokenizer implements AutoCloseable {

	static {
		// DJL downloads a CUDA build of its native tokenizer library from publish.djl.ai
		// when it finds a GPU (ai.djl.huggingface.tokenizers.jni.LibUtils); the CPU build
		// inside its jar is all a tokenizer needs, and nothing is downloaded at run time.
		if (System.getenv("RUST_FLAVOR") == null && System.getProperty("RUST_FLAVOR") == null) {
			System.setProperty("RUST_FLAVOR", "cpu");
		}
	}

	private static final Map<String, String> OPTIONS = Map.of("addSpecialTokens", "true", "truncation", "false",
			"padding", "false");

	private final HuggingFaceTokenizer tokenizer;

	private ExactTokenizer(HuggingFaceTokenizer tokenizer) {
		this.tokenizer = tokenizer;
	}

	/** Loads a {@code tokenizer.json} as it is. */
	static ExactTokenizer load(byte[] tokenizerJson) {
		try {
			return new ExactTokenizer(
					HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson), OPTIONS));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Loads a BERT {@code tokenizer.json} with its normaliser's lowercasing switched on.
	 * Its {@code strip_accents} stays unset, which the tokenizers library reads as
	 * "follow lowercase", as BERT's BasicTokenizer with {@code do_lower_case} does:
	 * lowercase, NFD, drop combining marks.
	 */
	static ExactTokenizer loadLowercasing(byte[] tokenizerJson) {
		JsonMapper json = JsonMapper.builder().build();
		JsonNode root = json.readTree(tokenizerJson);
		if (!(root.get("normalizer") instanceof ObjectNode normalizer)
				|| !"BertNormalizer".equals(normalizer.path("type").asString(""))) {
			throw new IllegalStateException("The tokenizer has no BertNormalizer to switch lowercasing on in");
		}
		normalizer.put("lowercase", true);
		return load(json.writeValueAsBytes(root));
	}

	/** The number of tokens the model sees for {@code text}, [CLS] and [SEP] included. */
	public int count(String text) {
		return ids(text).length;
	}

	/** Token ids as the model reads them: [CLS], the text's tokens, [SEP]. */
	long[] ids(String text) {
		return this.tokenizer.encode(text).getIds();
	}

	@Override
	public void close() {
		this.tokenizer.close();
	}

}
