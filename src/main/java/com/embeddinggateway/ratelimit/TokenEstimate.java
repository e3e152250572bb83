package com.embeddinggateway.ratelimit;

import java.util.List;

import com.embeddinggateway.catalog.TokenBounds;
import com.embeddinggateway.catalog.TokenCounter;

/**
 * Tokens a request will cost, known before the upstream says: exact for the models whose
 * tokenizer the gateway holds (the bge models), else an estimate of one token per four
 * characters and at least one per word (OpenAI's rule of thumb for English; each
 * tokenizer in the catalog splits at whitespace first). The upstream's {@code usage}
 * corrects the books afterwards either way.
 */
final class TokenEstimate {

	/** Texts longer than this in all are counted off the event loop. */
	static final long EXACT_INLINE_CHARS = 16_384;

	private TokenEstimate() {
	}

	static boolean countsExactly(TokenCounter counter, String model) {
		return counter.counts(model);
	}

	static long exact(TokenCounter counter, String model, List<String> inputs) {
		long tokens = 0;
		for (String input : inputs) {
			tokens += counter.count(model, input, Integer.MAX_VALUE - 1);
		}
		return tokens;
	}

	static long estimate(List<String> inputs) {
		long tokens = 0;
		for (String input : inputs) {
			tokens += Math.max(TokenBounds.atLeast(input), (input.length() + 3) / 4);
		}
		return tokens;
	}

	static long characters(List<String> inputs) {
		long chars = 0;
		for (String input : inputs) {
			chars += input.length();
		}
		return chars;
	}

}
