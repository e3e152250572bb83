package com.embeddinggateway.warmup;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import com.embeddinggateway.catalog.Deployment;
import com.embeddinggateway.catalog.ModelSpec;
import com.embeddinggateway.upstream.ApiKey;
import com.embeddinggateway.upstream.InProcessUpstream;
import com.embeddinggateway.upstream.UpstreamBatch;
import com.embeddinggateway.upstream.UpstreamCall;
import com.embeddinggateway.upstream.UpstreamClient;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

/**
 * The warm-up's upstream: an OpenAI-compatible embeddings endpoint on a loopback port of
 * its own, served on one thread of its own while the warm-up runs, and reached through
 * the gateway's real {@link UpstreamClient}, so that the call, the answer's parsing and
 * its checks are compiled as for SiliconFlow. Its answers look like SiliconFlow's: 1024
 * numbers of 17 significant digits per input, different from input to input.
 */
@Component
@ConditionalOnBooleanProperty(name = "gateway.warmup.enabled", matchIfMissing = true)
class StandInUpstream implements InProcessUpstream {

	static final String ID = "gateway-warmup";

	/** The warm-up model: shaped like BAAI/bge-m3, so that its requests fan out alike. */
	static final ModelSpec MODEL = new ModelSpec("gateway-warmup/embeddings", List.of(new Deployment(ID, "embeddings")),
			32, 8192, 1024, List.of(), List.of());

	/** Only the warm-up's own requests reach it; anything larger is not one of them. */
	private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

	private static final int VECTORS = 16;

	private final UpstreamClient http;

	private final JsonMapper json;

	/** The JSON text of {@link #VECTORS} vectors per length, made once. */
	private final ConcurrentMap<Integer, String[]> vectors = new ConcurrentHashMap<>();

	private @Nullable LoopResources loop;

	private @Nullable DisposableServer server;

	private @Nullable URI url;

	StandInUpstream(UpstreamClient http, JsonMapper json) {
		this.http = http;
		this.json = json;
	}

	@Override
	public String upstreamId() {
		return ID;
	}

	@Override
	public Mono<UpstreamBatch> embed(UpstreamCall call) {
		URI target = this.url;
		if (target == null) {
			return Mono.error(new IllegalStateException("The warm-up's stand-in upstream is not running"));
		}
		return this.http.embed(call, target, ApiKey.none());
	}

	synchronized void start() {
		this.loop = LoopResources.create("warmup-upstream", 1, true);
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.runOn(this.loop)
			.route((routes) -> routes.post("/v1/embeddings", this::answer))
			.bindNow();
		this.url = URI.create("http://127.0.0.1:" + this.server.port() + "/v1/embeddings");
	}

	synchronized void stop() {
		this.url = null;
		// Nothing waits on it: the warm-up's requests have all been answered or
		// cancelled.
		if (this.server != null) {
			this.server.dispose();
			this.server = null;
		}
		if (this.loop != null) {
			this.loop.disposeLater().subscribe();
			this.loop = null;
		}
		this.vectors.clear();
	}

	private Publisher<Void> answer(HttpServerRequest request, HttpServerResponse response) {
		return request.receive().asByteArray().reduce(new ByteArrayOutputStream(), (body, chunk) -> {
			if (body.size() + chunk.length > MAX_BODY_BYTES) {
				throw new IllegalArgumentException("not a warm-up request");
			}
			body.writeBytes(chunk);
			return body;
		}).map((body) -> answer(this.json.readTree(body.toByteArray()))).flatMap((answer) -> {
			response.header(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
				.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(answer.length));
			return response.send(Mono.just(Unpooled.wrappedBuffer(answer))).then();
		}).onErrorResume((error) -> response.status(HttpResponseStatus.BAD_REQUEST).send());
	}

	private byte[] answer(JsonNode call) {
		JsonNode inputs = call.path("input");
		int count = inputs.isArray() ? inputs.size() : 1;
		int dimensions = call.path("dimensions").asInt(MODEL.dimensions());
		String[] texts = this.vectors.computeIfAbsent(dimensions, StandInUpstream::vectors);
		StringBuilder answer = new StringBuilder(count * texts[0].length() + 256);
		answer.append("{\"object\":\"list\",\"model\":\"").append(MODEL.primary().model()).append("\",\"data\":[");
		long tokens = 0;
		for (int i = 0; i < count; i++) {
			answer.append((i > 0) ? "," : "")
				.append("{\"object\":\"embedding\",\"index\":")
				.append(i)
				.append(",\"embedding\":")
				.append(texts[i % texts.length])
				.append('}');
			tokens += inputs.isArray() ? inputs.get(i).asString().length() / 4 + 1 : 1;
		}
		answer.append("],\"usage\":{\"prompt_tokens\":")
			.append(tokens)
			.append(",\"completion_tokens\":0,\"total_tokens\":")
			.append(tokens)
			.append("}}");
		return answer.toString().getBytes(StandardCharsets.US_ASCII);
	}

	/** Vectors as SiliconFlow writes them: doubles of up to 17 significant digits. */
	private static String[] vectors(int dimensions) {
		Random random = new Random(dimensions);
		String[] texts = new String[VECTORS];
		for (int v = 0; v < VECTORS; v++) {
			StringBuilder text = new StringBuilder(dimensions * 22).append('[');
			for (int d = 0; d < dimensions; d++) {
				text.append((d > 0) ? "," : "").append(random.nextGaussian() * 0.03);
			}
			texts[v] = text.append(']').toString();
		}
		return texts;
	}

}
