package com.embeddinggateway.api;

import java.time.Duration;
import java.util.List;

import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * The caller's own timeout, which lowers the gateway's deadline: the OpenAI SDKs send it
 * in seconds as {@code x-stainless-read-timeout} (Python) or {@code x-stainless-timeout}
 * (Node).
 */
final class CallerTimeout {

	private static final List<String> HEADERS = List.of("x-stainless-read-timeout", "x-stainless-timeout");

	private CallerTimeout() {
	}

	/** {@code deadline}, or the caller's timeout when that is shorter. */
	static Duration lower(Duration deadline, ServerRequest.Headers headers) {
		Duration timeout = deadline;
		for (String name : HEADERS) {
			String value = headers.firstHeader(name);
			if (value != null) {
				try {
					double seconds = Double.parseDouble(value.strip());
					if (seconds > 0 && seconds * 1000 < timeout.toMillis()) {
						timeout = Duration.ofMillis((long) (seconds * 1000));
					}
				}
				catch (NumberFormatException ignored) {
					// Not a number of seconds: keep the gateway's own deadline.
				}
			}
		}
		return timeout;
	}

}
