package com.embeddinggateway.api;

import com.embeddinggateway.api.MemoryBudget.Reservation;
import com.embeddinggateway.catalog.InvalidInputException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * Reads an embeddings request's body within {@code gateway.api.max-request-size} and
 * parses it, counting in the request's memory budget what both hold.
 */
@Component
class RequestBody {

	/**
	 * Bytes a request holds per byte of its body, counted as the body arrives. While it
	 * is parsed: the body (1) and the texts (up to 2: a Java string holds Latin-1 text at
	 * 1 byte a character and any other text at 2 bytes a UTF-16 unit, against 1 to 4
	 * UTF-8 bytes; ASCII in a text that also holds one Chinese character takes 2 bytes
	 * for each 1 it took in the body). Afterwards the body is garbage and the upstream
	 * calls' bodies (1, UTF-8 again) take its place beside the texts.
	 */
	private static final long BODY_COPIES = 3;

	/**
	 * Bytes parsing takes, for a moment, per UTF-8 byte of the longest text, beyond
	 * {@link #BODY_COPIES}: Jackson gathers a text in segments of {@code char}s (2 bytes
	 * a character), then copies them into a {@code StringBuilder} (up to 2) before the
	 * String (counted as a text). Measured with a thread's allocated bytes on 16 MB
	 * bodies: 2048 texts allocate 1 to 3 times the body, one text of ASCII 4 times, one
	 * of ASCII and one Chinese character 8 times (the 7 that live at once, plus a Latin-1
	 * builder dropped as it widens).
	 */
	private static final long DECODING_COPIES = 4;

	/**
	 * Bodies up to this size are parsed on the event loop: under half a millisecond.
	 * Larger ones take up to 35 ms at 16 MB when warm (several times that cold), which
	 * would stall every connection on that loop, so they move to
	 * {@code Schedulers.boundedElastic()}. Parsing is CPU work that never blocks, which
	 * {@code Schedulers.parallel()} is meant for, but the parallel workers also run the
	 * deadlines' and retries' timers, which a burst of large parses would then delay;
	 * bounded-elastic threads, which the token check already uses, leave both the event
	 * loops and the timers to the operating system's time slicing.
	 */
	private static final int PARSE_ON_LOOP_BYTES = 256 * 1024;

	private final int maxRequestBytes;

	private final JsonMapper json;

	RequestBody(ApiProperties properties, JsonMapper json) {
		this.maxRequestBytes = (int) Math.min(Integer.MAX_VALUE, properties.maxRequestSize().toBytes());
		this.json = json;
	}

	/** Refuses a request whose {@code Content-Length} announces more than the limit. */
	void checkAnnouncedSize(ServerRequest request) {
		if (request.headers().contentLength().orElse(0) > this.maxRequestBytes) {
			throw new RequestTooLargeException();
		}
	}

	/** The request's body, read and parsed. */
	Mono<EmbeddingsRequest> parse(ServerRequest request, Reservation memory) {
		return read(request, memory)
			.flatMap((body) -> (body.length <= PARSE_ON_LOOP_BYTES) ? Mono.fromCallable(() -> parse(body, memory))
					: Mono.fromCallable(() -> parse(body, memory)).subscribeOn(Schedulers.boundedElastic()));
	}

	/**
	 * Parses {@code body}, holding in {@code memory} what decoding its longest text takes
	 * until it is done.
	 */
	EmbeddingsRequest parse(byte[] body, Reservation memory) {
		long decoding = DECODING_COPIES * EmbeddingsRequest.longestString(body);
		memory.add(decoding, "the texts of this request's body");
		try {
			return EmbeddingsRequest.parse(body, this.json);
		}
		finally {
			memory.release(decoding);
		}
	}

	/**
	 * The body as one array, counted in {@code memory} as its bytes arrive: a body
	 * announced but not sent holds nothing, and one that passes the budget stops being
	 * read.
	 */
	private Mono<byte[]> read(ServerRequest request, Reservation memory) {
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
