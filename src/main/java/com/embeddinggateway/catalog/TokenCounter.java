package com.embeddinggateway.catalog;

/**
 * Exact token counts for the models whose tokenizer the gateway holds.
 */
public interface TokenCounter {

	/** Whether the gateway holds {@code model}'s tokenizer (by catalog name). */
	boolean counts(String model);

	/**
	 * Tokens {@code model} reads for {@code text}, its special tokens ({@code [CLS]},
	 * {@code [SEP]}) included. Only for models it {@link #counts(String) counts}.
	 */
	int count(String model, String text);

	/** Special tokens every text gets, which a per-input limit does not count. */
	int specialTokens(String model);

}
