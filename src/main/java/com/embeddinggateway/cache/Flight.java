package com.embeddinggateway.cache;

import java.util.concurrent.CompletableFuture;

import com.embeddinggateway.upstream.ApiKey;
import com.embeddinggateway.upstream.UpstreamFailure;
import reactor.core.publisher.Mono;

/**
 * One text on its way upstream, which requests that miss on it meanwhile wait for instead
 * of sending it again. If the request that sent it fails with an upstream error under the
 * same upstream key, its waiters fail alike (sending it again would only double the load
 * on a failing upstream); if it was cancelled (its caller left, its deadline passed) or
 * failed for reasons of its own, they send the text themselves.
 */
final class Flight {

	private final ApiKey apiKey;

	private final CompletableFuture<StoredVector> result = new CompletableFuture<>();

	Flight(ApiKey apiKey) {
		this.apiKey = apiKey;
	}

	void complete(StoredVector vector) {
		this.result.complete(vector);
	}

	void fail(Throwable error) {
		this.result.completeExceptionally(error);
	}

	/** The sender gave up without an answer. Does nothing once the flight has ended. */
	void abandon() {
		this.result.completeExceptionally(Abandoned.INSTANCE);
	}

	/**
	 * The vector, or an error: the sender's own when a waiter under {@code waiterKey}
	 * would get the same, else {@link Abandoned}. Cancelling the returned {@code Mono}
	 * leaves the flight alone.
	 */
	Mono<StoredVector> result(ApiKey waiterKey) {
		return Mono.fromFuture(this.result, true)
			.onErrorMap((error) -> !sharedBy(error, waiterKey), (error) -> Abandoned.INSTANCE);
	}

	private boolean sharedBy(Throwable error, ApiKey waiterKey) {
		return error instanceof UpstreamFailure && this.apiKey.equals(waiterKey);
	}

	/** The waiter has to send the text itself. */
	static final class Abandoned extends RuntimeException {

		static final Abandoned INSTANCE = new Abandoned();

		private Abandoned() {
			super("The request sending this text upstream ended without its vector", null, false, false);
		}

	}

}
