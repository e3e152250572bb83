package com.embeddinggateway.upstream;

import java.net.URI;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.embeddinggateway.observability.RequestTrail;
import com.embeddinggateway.observability.UpstreamSpan;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.context.ContextView;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.support.Netty4HeadersAdapter;
import org.springframework.stereotype.Component;

/**
 * Sends one batch of texts to an upstream and returns its vectors, or fails with an
 * {@link UpstreamFailure}. Always asks for {@code float}: whether SiliconFlow's base64 is
 * little-endian float32 is undocumented, so the gateway encodes base64 itself.
 * <p>
 * Calls go straight through Reactor Netty's {@link HttpClient}: the request is one
 * buffer, and the answer's chunks are copied once, as they arrive, into the array the
 * parser reads. A general-purpose client's codec layers would only add work to every
 * call.
 */
@Component
public class UpstreamClient implements DisposableBean {

	private static final Log logger = LogFactory.getLog(UpstreamClient.class);

	private static final String TRACE_HEADER = "x-siliconcloud-trace-id";

	private final Map<String, Target> targets = new LinkedHashMap<>();

	private final ConnectionProvider connections;

	private final HttpClient http;

	private final int maxResponseBytes;

	/** An eighth of the heap at most waits here for the next answer. */
	private final ByteArrayPool arrays = new ByteArrayPool(Runtime.getRuntime().maxMemory() / 8);

	private final JsonMapper json;

	private final UpstreamErrors errors;

	public UpstreamClient(UpstreamProperties properties, JsonMapper json, ReactorResourceFactory resources) {
		UpstreamProperties.HttpClient settings = properties.httpClient();
		this.connections = ConnectionProvider.builder("upstream")
			.maxConnections(settings.maxConnections())
			.pendingAcquireMaxCount(-1)
			.pendingAcquireTimeout(settings.pendingAcquireTimeout())
			.maxIdleTime(settings.maxIdleTime())
			.build();
		this.http = HttpClient.create(this.connections)
			.runOn(resources.getLoopResources())
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
			.responseTimeout(settings.responseTimeout())
			.compress(true);
		this.maxResponseBytes = (int) Math.min(Integer.MAX_VALUE, settings.maxResponseSize().toBytes());
		for (UpstreamProperties.Upstream upstream : properties.upstreams()) {
			// Parsed once here: given as a string, each call would parse it again.
			URI url = URI.create(upstream.baseUrl().toString().replaceAll("/+$", "") + "/embeddings");
			ApiKey key = ApiKey.of(upstream.apiKey());
			if (this.targets.put(upstream.id(), new Target(url, key, upstream.tenantKeys())) != null) {
				throw new IllegalStateException("gateway.upstreams: id '" + upstream.id() + "' is used twice");
			}
		}
		this.json = json;
		this.errors = new UpstreamErrors(json);
	}

	/**
	 * One call over HTTP; see {@link EmbeddingUpstream#embed(UpstreamCall)}. The call's
	 * span, when its context has one, goes with it as {@code traceparent}.
	 */
	public Mono<UpstreamBatch> embed(UpstreamCall call) {
		Target target = this.targets.get(call.upstream());
		if (target == null) {
			return Mono.error(new IllegalStateException("Unknown upstream " + call.upstream()));
		}
		ApiKey key = (call.apiKey().isPresent() && target.tenantKeys()) ? call.apiKey() : target.apiKey();
		return embed(call, target.url(), key);
	}

	/**
	 * One call over HTTP to the embeddings endpoint at {@code url}, whatever the
	 * configured upstreams: for an upstream the gateway runs itself, such as the
	 * warm-up's stand-in.
	 */
	public Mono<UpstreamBatch> embed(UpstreamCall call, URI url, ApiKey key) {
		byte[] body = this.json
			.writeValueAsBytes(new EmbeddingsCall(call.model(), call.inputs(), "float", call.dimensions()));
		return Mono.deferContextual((context) -> this.http.post().uri(url).send((request, outbound) -> {
			request.header(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
				.header(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON)
				.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length))
				.header("x-request-id", call.requestId());
			UpstreamSpan span = UpstreamSpan.in(context);
			if (span != null) {
				span.propagate(request::header);
			}
			if (key.isPresent()) {
				request.header(HttpHeaderNames.AUTHORIZATION, "Bearer " + key.reveal());
			}
			return outbound.send(Mono.just(Unpooled.wrappedBuffer(body)));
		})
			.response((response, content) -> receive(response, content, call.model())
				.map((received) -> read(call, response, received, context)))
			.next())
			.onErrorMap((error) -> !(error instanceof UpstreamFailure),
					(error) -> UpstreamErrors.fromTransport(error, call.model()))
			.doOnError(UpstreamFailure.class, (failure) -> logger.warn("request " + call.requestId() + ": "
					+ call.inputs().size() + " inputs to " + call.upstream() + " failed: " + failure.getMessage()));
	}

	/**
	 * The whole answer as one array, refused once it passes
	 * {@code gateway.http-client.max-response-size}. Each chunk is copied while Reactor
	 * Netty still holds it; it releases the chunk afterwards.
	 */
	private Mono<ResponseBody> receive(HttpClientResponse response, ByteBufFlux content, String model) {
		long announced = response.responseHeaders().getInt(HttpHeaderNames.CONTENT_LENGTH, -1);
		return content.collect(() -> new ResponseBody(announced, this.maxResponseBytes, this.arrays),
				(received, chunk) -> {
					if (!received.append(chunk)) {
						throw new UpstreamFailure.BadResponse(
								"Upstream response for " + model + " exceeds gateway.http-client.max-response-size",
								200);
					}
				});
	}

	private UpstreamBatch read(UpstreamCall call, HttpClientResponse response, ResponseBody received,
			ContextView context) {
		int status = response.status().code();
		String trace = response.responseHeaders().get(TRACE_HEADER);
		if (trace != null) {
			RequestTrail trail = RequestTrail.in(context);
			if (trail != null) {
				trail.upstreamTraceId(trace);
			}
			UpstreamSpan span = UpstreamSpan.in(context);
			if (span != null) {
				span.upstreamTraceId(trace);
			}
		}
		if (logger.isDebugEnabled()) {
			logger.debug("request " + call.requestId() + ": " + call.inputs().size() + " inputs to " + call.upstream()
					+ " " + call.model() + " -> HTTP " + status + " trace " + trace);
		}
		if (status / 100 != 2) {
			HttpHeaders headers = new HttpHeaders(new Netty4HeadersAdapter(response.responseHeaders()));
			byte[] body = received.copy();
			this.arrays.give(received.bytes);
			UpstreamFailure failure = this.errors.fromStatus(status, headers, body, call.upstream(), call.model());
			if (trace != null) {
				logger.info("request " + call.requestId() + ": upstream trace " + trace + " for HTTP " + status);
			}
			throw failure;
		}
		return UpstreamResponseParser.parse(received.bytes, received.length, this.arrays, call.inputs().size(),
				call.vectorLength(), call.model());
	}

	@Override
	public void destroy() {
		this.connections.dispose();
	}

	private record Target(URI url, ApiKey apiKey, boolean tenantKeys) {
	}

	/**
	 * An answer's bytes as they arrive, in a pooled array sized from
	 * {@code Content-Length} when the upstream sends one (a compressed answer's length is
	 * only a first guess). The first array is at most {@value #FIRST_ARRAY_MAX} bytes
	 * whatever the upstream announces: memory is spent on bytes that arrived, not on a
	 * promise.
	 */
	static final class ResponseBody {

		/** Enough for 32 x 4096 floats, the largest answer SiliconFlow's models give. */
		static final int FIRST_ARRAY_MAX = 2 * 1024 * 1024;

		private final int max;

		private final ByteArrayPool arrays;

		byte[] bytes;

		int length;

		ResponseBody(long announced, int max, ByteArrayPool arrays) {
			this.max = max;
			this.arrays = arrays;
			this.bytes = arrays.take((int) Math.max(0, Math.min(announced, Math.min(max, FIRST_ARRAY_MAX))));
		}

		boolean append(ByteBuf chunk) {
			int size = chunk.readableBytes();
			if (size > this.max - this.length) {
				return false;
			}
			if (size > this.bytes.length - this.length) {
				long needed = Math.max((long) this.length + size, 2L * this.bytes.length);
				byte[] larger = this.arrays.take((int) Math.min(needed, this.max));
				System.arraycopy(this.bytes, 0, larger, 0, this.length);
				this.arrays.give(this.bytes);
				this.bytes = larger;
			}
			chunk.readBytes(this.bytes, this.length, size);
			this.length += size;
			return true;
		}

		/** The bytes received, in an array of their own. */
		byte[] copy() {
			return Arrays.copyOf(this.bytes, this.length);
		}

	}

	/** SiliconFlow's request body; {@code dimensions} is omitted unless set. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record EmbeddingsCall(@JsonProperty("model") String model, @JsonProperty("input") List<String> input,
			@JsonProperty("encoding_format") String encodingFormat,
			@JsonProperty("dimensions") @Nullable Integer dimensions) {
	}

}
