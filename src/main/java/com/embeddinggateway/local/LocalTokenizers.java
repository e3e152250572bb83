package com.embeddinggateway.local;

import java.util.Map;

import com.embeddinggateway.catalog.TokenCounter;
import com.embeddinggateway.tokenizer.WordPieceTokenizer;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Exact token counters for the bge models, by catalog name, in pure Java
 * ({@link WordPieceTokenizer}): no caller's text ever reaches native code. Always
 * available, whether or not the local models are enabled: a tokenizer is a vocabulary and
 * a few rules, far cheaper than a model, and it lets the gateway refuse a too-long input
 * for the upstream bge-large models by the count their own tokenizer makes, not a bound.
 * <p>
 * The vocabularies come from the tokenizer files inside langchain4j's bge-small jars:
 * <ul>
 * <li>bge-small-zh-v1.5's is bert-base-chinese's 21,128 WordPiece tokens, which
 * bge-large-zh-v1.5 shares. The file has lowercasing off, as does bge-small-zh-v1.5's
 * {@code tokenizer_config.json} ({@code do_lower_case: false}), so the small model keeps
 * it off. bge-large-zh-v1.5 lowercases, so its counter switches it on; this matters, as
 * the vocabulary has no capital Latin letters and every capitalised word would otherwise
 * count as one {@code [UNK]}.</li>
 * <li>bge-small-en-v1.5's is bert-base-uncased's 30,522 tokens with lowercasing on, which
 * bge-large-en-v1.5 shares as it is.</li>
 * </ul>
 */
@Component
public class LocalTokenizers implements TokenCounter {

	private final Map<String, WordPieceTokenizer> byModel;

	public LocalTokenizers() {
		byte[] chinese = SmallModel.ZH.tokenizerJson();
		WordPieceTokenizer english = WordPieceTokenizer.load(SmallModel.EN.tokenizerJson());
		this.byModel = Map.of(SmallModel.ZH.modelName(), WordPieceTokenizer.load(chinese), "BAAI/bge-large-zh-v1.5",
				WordPieceTokenizer.loadLowercasing(chinese), SmallModel.EN.modelName(), english,
				"BAAI/bge-large-en-v1.5", english);
	}

	/**
	 * The exact tokenizer of the model with this catalog name (not an alias), or null
	 * when the gateway has none for it.
	 */
	public @Nullable WordPieceTokenizer forModel(String model) {
		return this.byModel.get(model);
	}

	@Override
	public boolean counts(String model) {
		return this.byModel.containsKey(model);
	}

	@Override
	public int count(String model, String text, int atMost) {
		return this.byModel.get(model).count(text, atMost);
	}

	/** {@code [CLS]} and {@code [SEP]}. */
	@Override
	public int specialTokens(String model) {
		return 2;
	}

}
