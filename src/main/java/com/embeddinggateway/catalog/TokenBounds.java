package com.embeddinggateway.catalog;

/**
 * A lower bound on the number of tokens any of the catalog's tokenizers produces for a
 * text, used to refuse inputs that are certainly too long without ever refusing one the
 * upstream would accept.
 * <p>
 * Every tokenizer in use splits at whitespace before it looks up tokens: BERT's WordPiece
 * (bge-large, via its BasicTokenizer), XLM-R's SentencePiece (bge-m3, bce; its
 * {@code split_by_whitespace} default) and Qwen's byte-level BPE (its pre-tokenizer regex
 * starts a new piece at each space). So each whitespace-separated word is at least one
 * token. Special tokens are not counted, which only makes the bound lower.
 */
public final class TokenBounds {

	private TokenBounds() {
	}

	public static int atLeast(String text) {
		int words = 0;
		boolean inWord = false;
		for (int i = 0; i < text.length(); i++) {
			boolean space = isSplitting(text.charAt(i));
			if (!space && !inWord) {
				words++;
			}
			inWord = !space;
		}
		return words;
	}

	/**
	 * Only characters every tokenizer splits at. Other control characters such as form
	 * feed are not among them: BERT deletes them, joining the words around them.
	 */
	private static boolean isSplitting(char c) {
		return c == ' ' || c == '\t' || c == '\n' || c == '\r' || Character.getType(c) == Character.SPACE_SEPARATOR;
	}

}
