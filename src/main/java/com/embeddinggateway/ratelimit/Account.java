package com.embeddinggateway.ratelimit;

/**
 * An upstream account's budget for one deployment: SiliconFlow counts per account and
 * model, so the key is (upstream key, deployment), whichever replica sends the call.
 *
 * @param id names the account in Redis keys: the upstream, the model there and a short
 * digest of the key (never the key)
 * @param requestsPerMinute calls per minute, 0 for none
 * @param tokensPerMinute prompt tokens per minute, 0 for none
 */
record Account(String id, long requestsPerMinute, long tokensPerMinute) {

	boolean limited() {
		return this.requestsPerMinute > 0 || this.tokensPerMinute > 0;
	}

}
