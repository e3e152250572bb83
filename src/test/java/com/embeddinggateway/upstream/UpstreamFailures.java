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

	/** What a healthy upstream answers to a call it will not serve: 400, 401, 404. */
	public static UpstreamFailure[] refusals() {
		return new UpstreamFailure[] { new UpstreamFailure.InputRejected("input too long"),
				new UpstreamFailure.CredentialsRejected("invalid token", 401),
				new UpstreamFailure.BadResponse("404 page not found", 404),
				new UpstreamFailure.BatchTooLarge("batch too large", 0, "up", "m") };
	}

	/** An upstream answer for {@code expected} inputs, read as the client reads it. */
	public static UpstreamBatch parse(String body, int expected) {
		return UpstreamResponseParser.parse(body.getBytes(StandardCharsets.UTF_8), expected, 0, "m");
	}

	/** One three-component vector. */
	public static UpstreamBatch batch() {
		return UpstreamResponseParser
			.parse("{\"data\":[{\"index\":0,\"embedding\":[1,2,3]}]}".getBytes(StandardCharsets.UTF_8), 1, 3, "m");
	}

}
