package com.embeddinggateway.upstream;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.netty.channel.ChannelOption;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Sends one batch of texts to an upstream and returns its vectors, or fails with an
 * {@link UpstreamFailure}. Always asks for {@code float}: whether SiliconFlow's base64 is
 * little-endian float32 is undocumented, so the gateway encodes base64 itself.
 */
@Component
public class UpstreamClient implements DisposableBean {

	private static final Log logger = LogFactory.getLog(UpstreamClient.class);

	private static final String TRACE_HEADER = "x-siliconcloud-trace-id";

	private static final byte[] EMPTY = new byte[0];

	private final Map<String, Target> targets = new LinkedHashMap<>();

	private final ConnectionProvider connections;

	private final JsonMapper json;

	private final UpstreamErrors errors;

	public UpstreamClient(WebClient.Builder builder, UpstreamProperties properties, JsonMapper json) {
		UpstreamProperties.HttpClient settings = properties.httpClient();
		this.connections = ConnectionProvider.builder("upstream")
			.maxConnections(settings.maxConnections())
			.pendingAcquireMaxCount(-1)
			.pendingAcquireTimeout(settings.pendingAcquireTimeout())
			.maxIdleTime(settings.maxIdleTime())
			.build();
		reactor.netty.http.client.HttpClient http = reactor.netty.http.client.HttpClient.create(this.connections)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
			.responseTimeout(settings.responseTimeout())
			.compress(true);
		WebClient webClient = builder.clone()
			.clientConnector(new ReactorClientHttpConnector(http))
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize((int) settings.maxResponseSize().toBytes()))
			.build();
		for (UpstreamProperties.Upstream upstream : properties.upstreams()) {
			String url = upstream.baseUrl().toString().replaceAll("/+$", "") + "/embeddings";
			if (this.targets.put(upstream.id(),
					new Target(webClient, url, ApiKey.of(upstream.apiKey()), upstream.tenantKeys())) != null) {
				throw new IllegalStateException("gateway.upstreams: id '" + upstream.id() + "' is used twice");
			}
		}
		this.json = json;
		this.errors = new UpstreamErrors(json);
	}

	/** One call over HTTP; see {@link EmbeddingUpstream#embed(UpstreamCall)}. */
	public Mono<UpstreamBatch> embed(UpstreamCall call) {
		Target target = this.targets.get(call.upstream());
		if (target == null) {
			return Mono.error(new IllegalStateException("Unknown upstream " + call.upstream()));
		}
		ApiKey key = (call.apiKey().isPresent() && target.tenantKeys()) ? call.apiKey() : target.apiKey();
		byte[] body = this.json
			.writeValueAsBytes(new EmbeddingsCall(call.model(), call.inputs(), "float", call.dimensions()));
		return target.webClient()
			.post()
			.uri(target.url())
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.APPLICATION_JSON)
			.headers((headers) -> {
				if (key.isPresent()) {
					headers.setBearerAuth(key.reveal());
				}
				headers.set("x-request-id", call.requestId());
			})
			.bodyValue(body)
			.exchangeToMono((response) -> response.bodyToMono(byte[].class)
				.defaultIfEmpty(EMPTY)
				.map((bytes) -> read(call, response.statusCode().value(), response.headers().asHttpHeaders(), bytes)))
			.onErrorMap((error) -> !(error instanceof UpstreamFailure),
					(error) -> UpstreamErrors.fromTransport(error, call.model()))
			.doOnError(UpstreamFailure.class, (failure) -> logger.warn("request " + call.requestId() + ": "
					+ call.inputs().size() + " inputs to " + call.upstream() + " failed: " + failure.getMessage()));
	}

	private UpstreamBatch read(UpstreamCall call, int status, HttpHeaders headers, byte[] body) {
		String trace = headers.getFirst(TRACE_HEADER);
		if (logger.isDebugEnabled()) {
			logger.debug("request " + call.requestId() + ": " + call.inputs().size() + " inputs to " + call.upstream()
					+ " " + call.model() + " -> HTTP " + status + " trace " + trace);
		}
		if (status / 100 != 2) {
			UpstreamFailure failure = this.errors.fromStatus(status, headers, body, call.model());
			if (trace != null) {
				logger.info("request " + call.requestId() + ": upstream trace " + trace + " for HTTP " + status);
			}
			throw failure;
		}
		return UpstreamResponseParser.parse(body, call.inputs().size(), call.model());
	}

	@Override
	public void destroy() {
		this.connections.dispose();
	}

	private record Target(WebClient webClient, String url, ApiKey apiKey, boolean tenantKeys) {
	}

	/** SiliconFlow's request body; {@code dimensions} is omitted unless set. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record EmbeddingsCall(@JsonProperty("model") String model, @JsonProperty("input") List<String> input,
			@JsonProperty("encoding_format") String encodingFormat,
			@JsonProperty("dimensions") @Nullable Integer dimensions) {
	}

}
