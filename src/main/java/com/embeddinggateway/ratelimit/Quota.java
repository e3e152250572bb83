package com.embeddinggateway.ratelimit;

/**
 * What the store answered for one admission.
 *
 * @param verdict admitted, or which limit refused it
 * @param retryAfterMillis when refused by a per-minute limit: until it would fit
 * @param requestsRemaining requests left this minute
 * @param requestsResetMillis until the requests limit is full again
 * @param tokensRemaining tokens left this minute
 * @param tokensResetMillis until the tokens limit is full again
 * @param dayUsed tokens booked today, this request included if admitted
 * @param monthUsed tokens booked this month, this request included if admitted
 */
record Quota(Verdict verdict, long retryAfterMillis, long requestsRemaining, long requestsResetMillis,
		long tokensRemaining, long tokensResetMillis, long dayUsed, long monthUsed) {

	static Quota of(long[] values) {
		return new Quota(Verdict.values()[(int) values[0]], values[1], values[2], values[3], values[4], values[5],
				values[6], values[7]);
	}

}
