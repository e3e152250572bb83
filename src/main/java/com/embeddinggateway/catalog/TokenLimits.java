package com.embeddinggateway.catalog;

import java.util.List;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.stereotype.Component;

/**
 * Refuses inputs over a model's token limit by the model's own tokenizer, where the
 * gateway has it (the bge models). A catalog {@code max-input-tokens} counts the text's
 * own tokens, not {@code [CLS]}/{@code [SEP]}: so 512 for SiliconFlow's bge-large can
 * never refuse an input the upstream would take, and 510 for the in-process bge-small
 * models is their exact 512-position window.
 * <p>
 * Counting stops one token past the limit, so a text costs at most one pass over its
 * characters and the matching of limit + 1 tokens, however long it is. That is still up
 * to tens of milliseconds for the largest bodies, too much for an event loop, so it runs
 * on the bounded-elastic scheduler, and only for texts long enough to be in doubt.
 */
@Component
public class TokenLimits {

	/**
	 * A WordPiece token covers at least one character, except that NFD accent stripping
	 * may split a Hangul syllable into up to three jamo: no text yields more than three
	 * tokens per UTF-16 unit.
	 */
	private static final int MAX_TOKENS_PER_CHAR = 3;

	private final TokenCounter counter;

	public TokenLimits(TokenCounter counter) {
		this.counter = counter;
	}

	/** Completes if every input fits, else fails with the first index that does not. */
	public Mono<Void> check(ModelSpec model, List<String> inputs) {
		int limit = model.maxInputTokens();
		if (limit <= 0 || !this.counter.counts(model.name()) || !anyInDoubt(inputs, limit)) {
			return Mono.empty();
		}
		return Mono.<Void>fromRunnable(() -> {
			int special = this.counter.specialTokens(model.name());
			for (int i = 0; i < inputs.size(); i++) {
				String input = inputs.get(i);
				if ((long) input.length() * MAX_TOKENS_PER_CHAR > limit
						&& this.counter.count(model.name(), input, limit + special) > limit + special) {
					throw new InvalidInputException("input", "Input at index " + i + " has more than " + limit
							+ " tokens; " + model.name() + " accepts at most " + limit + " tokens per input.");
				}
			}
		}).subscribeOn(Schedulers.boundedElastic());
	}

	private static boolean anyInDoubt(List<String> inputs, int limit) {
		for (String input : inputs) {
			if ((long) input.length() * MAX_TOKENS_PER_CHAR > limit) {
				return true;
			}
		}
		return false;
	}

}
