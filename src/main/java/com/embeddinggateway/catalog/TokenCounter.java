package com.embeddinggateway.catalog;

/**
 * Exact token counts for the models whose tokenizer the gateway holds.
 */
public interface TokenCounter {

	/** Whether the gateway holds {@code model}'s tokenizer (by catalog name). */
	boolean counts(String model);

	/**
	 * Tokens {@code model} reads for {@code text}, its special tokens ({@code [CLS]},
	 * {@code [SEP]}) included, if at most {@code atMost}; else {@code atMost + 1}, found
	 * without counting further, so that the cost is bounded by the limit and not by the
	 * text. Only for models it {@link #counts(String) counts}.
	 */
	int count(String model, String text, int atMost);

	/** Special tokens every text gets, which a per-input limit does not count. */
	int specialTokens(String model);

}
