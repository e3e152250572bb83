package com.embeddinggateway.catalog;

import java.util.List;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * The per-model checks a request passes before anything is sent upstream. They refuse
 * only what the upstream would certainly refuse.
 */
public final class InputRules {

	/** The most inputs one request may carry (OpenAI's limit). */
	public static final int MAX_INPUTS = 2048;

	private InputRules() {
	}

	public static void check(ModelSpec model, List<String> inputs, @Nullable Integer dimensions) {
		for (int i = 0; i < inputs.size(); i++) {
			String input = inputs.get(i);
			if (isEmptyForUpstream(input)) {
				throw new InvalidInputException("input", "Input at index " + i
						+ " is empty or only line breaks; the upstream rejects such inputs (SiliconFlow code 20015).");
			}
			int minimumTokens = TokenBounds.atLeast(input);
			if (model.maxInputTokens() > 0 && minimumTokens > model.maxInputTokens()) {
				throw new InvalidInputException("input",
						"Input at index " + i + " has at least " + minimumTokens + " tokens; " + model.name()
								+ " accepts at most " + model.maxInputTokens() + " tokens per input.");
			}
		}
		if (dimensions != null) {
			checkDimensions(model, dimensions);
		}
	}

	/**
	 * SiliconFlow rejects {@code ""} and strings of only line breaks and other whitespace
	 * with code 20015, but accepts plain spaces.
	 */
	static boolean isEmptyForUpstream(String input) {
		if (input.isEmpty()) {
			return true;
		}
		return input.isBlank() && (input.indexOf('\n') >= 0 || input.indexOf('\r') >= 0);
	}

	private static void checkDimensions(ModelSpec model, int dimensions) {
		if (!model.supportsDimensions()) {
			throw new InvalidInputException("dimensions", "The model " + model.name()
					+ " does not support 'dimensions'; omit it. Allowed values: none (its vectors have "
					+ ((model.dimensions() > 0) ? model.dimensions() + " dimensions" : "a fixed length") + ").");
		}
		if (!model.allowedDimensions().contains(dimensions)) {
			throw new InvalidInputException("dimensions",
					"dimensions=" + dimensions + " is not allowed for " + model.name() + ". Allowed values: "
							+ model.allowedDimensions().stream().map(String::valueOf).collect(Collectors.joining(", "))
							+ ".");
		}
	}

}
