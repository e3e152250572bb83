package com.embeddinggateway.api;

import com.embeddinggateway.api.MemoryBudget.Reservation;
import com.embeddinggateway.catalog.InvalidInputException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * Reads an embeddings request's body within {@code gateway.api.max-request-size},
 * counting it in the request's memory budget as its bytes arrive.
 */
@Component
class RequestBody {

	/**
	 * Copies of its body a request holds while it runs: the bytes read, the texts parsed
	 * from them, and the upstream calls' bodies written from those.
	 */
	private static final long BODY_COPIES = 3;

	private final int maxRequestBytes;

	RequestBody(ApiProperties properties) {
		this.maxRequestBytes = (int) Math.min(Integer.MAX_VALUE, properties.maxRequestSize().toBytes());
	}

	/** Refuses a request whose {@code Content-Length} announces more than the limit. */
	void checkAnnouncedSize(ServerRequest request) {
		if (request.headers().contentLength().orElse(0) > this.maxRequestBytes) {
			throw new RequestTooLargeException();
		}
	}

	/**
	 * The body as one array, counted in {@code memory} as its bytes arrive: a body
	 * announced but not sent holds nothing, and one that passes the budget stops being
	 * read.
	 */
	Mono<byte[]> read(ServerRequest request, Reservation memory) {
		Flux<DataBuffer> body = request.body(BodyExtractors.toDataBuffers()).doOnNext((buffer) -> {
			try {
				memory.add(BODY_COPIES * buffer.readableByteCount(), "this request's body");
			}
			catch (GatewayBusyException busy) {
				DataBufferUtils.release(buffer);
				throw busy;
			}
		});
		return DataBufferUtils.join(body, this.maxRequestBytes).map((buffer) -> {
			try {
				byte[] bytes = new byte[buffer.readableByteCount()];
				buffer.read(bytes);
				return bytes;
			}
			finally {
				DataBufferUtils.release(buffer);
			}
		})
			.switchIfEmpty(Mono.error(() -> new InvalidInputException(null,
					"The request has no body. Send a JSON object with 'model' and 'input'.")));
	}

}
