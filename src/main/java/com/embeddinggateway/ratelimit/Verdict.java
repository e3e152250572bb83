package com.embeddinggateway.ratelimit;

/**
 * The outcome of admitting a request against its tenant's limits; the ordinal is the code
 * {@code admit.lua} returns.
 */
enum Verdict {

	ADMITTED,

	/** Over {@code requests-per-minute}. */
	REQUESTS,

	/** Over {@code tokens-per-minute}. */
	TOKENS,

	/** {@code tokens-per-day} spent. */
	DAY,

	/** {@code tokens-per-month} spent. */
	MONTH,

	/** More tokens than {@code tokens-per-minute} allows at all. */
	TOO_LARGE;

	/** The {@code kind} tag of the rejection metric. */
	String kind() {
		return switch (this) {
			case ADMITTED -> "none";
			case REQUESTS -> "requests";
			case TOKENS, TOO_LARGE -> "tokens";
			case DAY -> "tokens_per_day";
			case MONTH -> "tokens_per_month";
		};
	}

}
