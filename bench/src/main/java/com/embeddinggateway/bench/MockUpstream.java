package com.embeddinggateway.bench;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * Stands in for SiliconFlow's {@code POST /v1/embeddings}: answers every request with
 * precomputed vectors after a fixed latency that is scheduled, never slept, so one event
 * loop per core carries any number of waiting requests.
 *
 * <pre>
 * java -cp bench.jar com.embeddinggateway.bench.MockUpstream --port 9100 --latency-ms 50
 * </pre>
 */
public final class MockUpstream {

	private static final byte[] EMPTY = new byte[0];

	private final MockVectors vectors = new MockVectors();

	/** Inputs answered so far: where the next answer starts in the mock's vectors. */
	private final AtomicLong answered = new AtomicLong();

	private final Duration latency;

	private MockUpstream(Duration latency) {
		this.latency = latency;
	}

	public static void main(String[] arguments) {
		Args args = Args.parse(arguments, Set.of("host", "port", "latency-ms", "threads"));
		int threads = args.intValue("threads", Runtime.getRuntime().availableProcessors());
		MockUpstream mock = new MockUpstream(Duration.ofMillis(args.intValue("latency-ms", 0)));
		DisposableServer server = HttpServer.create()
			.host(args.get("host", "127.0.0.1"))
			.port(args.intValue("port", 9100))
			.runOn(LoopResources.create("mock", threads, true))
			.route((routes) -> routes.post("/v1/embeddings", mock::handle).post("/embeddings", mock::handle))
			.bindNow();
		System.err.println("mock upstream on " + server.host() + ":" + server.port() + ", latency "
				+ mock.latency.toMillis() + " ms, " + threads + " event loops");
		server.onDispose().block();
	}

	private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		return request.receive().aggregate().asByteArray().defaultIfEmpty(EMPTY).flatMap((body) -> {
			MockRequest parsed;
			try {
				parsed = MockRequest.parse(body);
			}
			catch (IllegalArgumentException ex) {
				return send(response, HttpResponseStatus.BAD_REQUEST,
						Unpooled.wrappedBuffer(MockResponse.badRequest(ex.getMessage())));
			}
			Mono<Void> answer = Mono.defer(() -> {
				ByteBuf out = response.alloc().buffer();
				MockResponse.write(parsed, this.vectors, this.answered.getAndAdd(parsed.inputs()), out);
				return send(response, HttpResponseStatus.OK, out);
			});
			return this.latency.isZero() ? answer : Mono.delay(this.latency).then(answer);
		});
	}

	private static Mono<Void> send(HttpServerResponse response, HttpResponseStatus status, ByteBuf body) {
		return response.status(status)
			.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.readableBytes()))
			// SiliconFlow sends one on every answer; the gateway reads and logs it.
			.header("x-siliconcloud-trace-id", "mock")
			.send(Mono.just(body))
			.then();
	}

}
