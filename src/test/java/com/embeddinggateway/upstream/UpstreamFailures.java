package com.embeddinggateway.upstream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Upstream outcomes for tests of the layers above, built the way the client builds them.
 */
public final class UpstreamFailures {

	private UpstreamFailures() {
	}

	public static UpstreamFailure rateLimited(Duration retryAfter) {
		return new UpstreamFailure.RateLimited("rate limited", retryAfter, false);
	}

	public static UpstreamFailure overloaded() {
		return new UpstreamFailure.Overloaded("overloaded", 503, null);
	}

	/** A 413 that names no batch size, as a proxy's body limit answers. */
	public static UpstreamFailure batchTooLarge(String upstream, String model) {
		return new UpstreamFailure.BatchTooLarge("too large", 0, upstream, model);
	}

	public static UpstreamFailure badResponse() {
		return new UpstreamFailure.BadResponse("garbage", 200);
	}

	/** An upstream answer for {@code expected} inputs, read as the client reads it. */
	public static UpstreamBatch parse(String body, int expected) {
		return UpstreamResponseParser.parse(body.getBytes(StandardCharsets.UTF_8), expected, "m");
	}

	/** One three-component vector. */
	public static UpstreamBatch batch() {
		return UpstreamResponseParser
			.parse("{\"data\":[{\"index\":0,\"embedding\":[1,2,3]}]}".getBytes(StandardCharsets.UTF_8), 1, "m");
	}

}
