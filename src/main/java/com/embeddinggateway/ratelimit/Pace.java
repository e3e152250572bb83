package com.embeddinggateway.ratelimit;

/**
 * What an upstream account's budget says about one call.
 *
 * @param status go (after {@code millis}), refused, or cooling down from a 429
 * @param millis the wait before going; until the budget would allow it; the cooldown left
 * @param tokens when refused: whether the tokens limit refused it, not the requests one
 */
record Pace(Status status, long millis, boolean tokens) {

	static final Pace GO = new Pace(Status.GO, 0, false);

	/** The ordinal is the code {@code pace.lua} returns. */
	enum Status {

		GO, REFUSED, COOLING

	}

	static Pace of(long[] values) {
		return new Pace(Status.values()[(int) values[0]], values[1], values[2] == 1);
	}

}
