package com.embeddinggateway.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.embeddinggateway.catalog.InputRules;
import com.embeddinggateway.catalog.InvalidInputException;
import com.embeddinggateway.catalog.ModelCatalog;
import com.embeddinggateway.catalog.ModelNotFoundException;
import com.embeddinggateway.catalog.ModelSpec;
import com.embeddinggateway.catalog.TokenLimits;
import com.embeddinggateway.fanout.EmbeddingFanout;
import com.embeddinggateway.resilience.Deadline;
import com.embeddinggateway.resilience.DeadlineExceededException;
import com.embeddinggateway.resilience.GatewayBusyException;
import com.embeddinggateway.resilience.MemoryBudget;
import com.embeddinggateway.resilience.MemoryBudget.Reservation;
import com.embeddinggateway.resilience.ResilienceProperties;
import com.embeddinggateway.tenancy.Tenant;
import com.embeddinggateway.tenancy.TenantDirectory;
import com.embeddinggateway.upstream.UpstreamCall;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.MethodNotAllowedException;

/**
 * {@code POST /v1/embeddings} (also {@code /embeddings}) and {@code GET /v1/models}. A
 * request goes: tenant from its key, body within the size limit, shape, model allowed for
 * the tenant, per-model rules, fan-out to the upstream, response.
 */
@Configuration(proxyBeanMethods = false)
class EmbeddingsHandler {

	private final TenantDirectory tenants;

	private final ModelCatalog catalog;

	private final TokenLimits tokenLimits;

	private final EmbeddingFanout fanout;

	private final JsonMapper json;

	private static final List<String> CALLER_TIMEOUT_HEADERS = List.of("x-stainless-read-timeout",
			"x-stainless-timeout");

	/**
	 * Copies of its body a request holds while it runs: the bytes read, the texts parsed
	 * from them, and the upstream calls' bodies written from those.
	 */
	private static final long BODY_COPIES = 3;

	/**
	 * Vector length assumed for a model configured without one: the longest any built-in
	 * model returns.
	 */
	private static final int UNKNOWN_DIMENSIONS = 4096;

	private final MemoryBudget memory;

	private final int maxRequestBytes;

	private final Duration deadline;

	EmbeddingsHandler(TenantDirectory tenants, ModelCatalog catalog, TokenLimits tokenLimits, EmbeddingFanout fanout,
			JsonMapper json, ApiProperties properties, ResilienceProperties resilience, MemoryBudget memory) {
		this.tokenLimits = tokenLimits;
		this.memory = memory;
		this.tenants = tenants;
		this.catalog = catalog;
		this.fanout = fanout;
		this.json = json;
		this.maxRequestBytes = (int) Math.min(Integer.MAX_VALUE, properties.maxRequestSize().toBytes());
		this.deadline = resilience.deadline();
	}

	@Bean
	RouterFunction<ServerResponse> embeddingsRoutes() {
		return RouterFunctions.route()
			.POST("/v1/embeddings", this::embed)
			.POST("/embeddings", this::embed)
			.GET("/v1/models", this::models)
			.HEAD("/v1/models", this::models)
			.route(RequestPredicates.path("/v1/embeddings").or(RequestPredicates.path("/embeddings")),
					(request) -> notAllowed(request, HttpMethod.POST))
			.route(RequestPredicates.path("/v1/models"),
					(request) -> notAllowed(request, HttpMethod.GET, HttpMethod.HEAD))
			.build();
	}

	/**
	 * A known path called with another method: 405, with the method to use in
	 * {@code Allow}.
	 */
	private static Mono<ServerResponse> notAllowed(ServerRequest request, HttpMethod... allowed) {
		return Mono.error(new MethodNotAllowedException(request.method(), Set.of(allowed)));
	}

	Mono<ServerResponse> embed(ServerRequest request) {
		return Mono.defer(() -> {
			RequestFacts facts = RequestFacts.start(request.exchange(), this.memory.open());
			Tenant tenant = this.tenants.authenticate(request.headers().firstHeader(HttpHeaders.AUTHORIZATION));
			facts.tenant = tenant.id();
			if (request.headers().contentLength().orElse(0) > this.maxRequestBytes) {
				throw new RequestTooLargeException();
			}
			String requestId = RequestIdFilter.requestId(request.exchange());
			return readBody(request, facts.memory).map((body) -> EmbeddingsRequest.parse(body, this.json))
				.flatMap((embeddings) -> embed(tenant, embeddings, requestId, request.headers(), facts));
		});
	}

	/**
	 * The gateway's deadline, lowered by the caller's own timeout: the OpenAI SDKs send
	 * it in seconds as {@code x-stainless-read-timeout} (Python) or
	 * {@code x-stainless-timeout} (Node).
	 */
	private Duration timeout(ServerRequest.Headers headers) {
		Duration timeout = this.deadline;
		for (String name : CALLER_TIMEOUT_HEADERS) {
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

	private Mono<ServerResponse> embed(Tenant tenant, EmbeddingsRequest request, String requestId,
			ServerRequest.Headers headers, RequestFacts facts) {
		ModelSpec model = this.catalog.find(request.model())
			.filter(tenant::mayUse)
			.orElseThrow(() -> new ModelNotFoundException(request.model()));
		facts.model = model.name();
		facts.inputs = request.inputs().size();
		InputRules.check(model, request.inputs(), request.dimensions());
		int dimensions = (request.dimensions() != null) ? request.dimensions()
				: (model.dimensions() > 0) ? model.dimensions() : UNKNOWN_DIMENSIONS;
		facts.memory.add(this.fanout.answerBytesHeld(model, request.inputs().size(), dimensions),
				"the answers to this request's " + request.inputs().size() + " inputs");
		UpstreamCall call = new UpstreamCall(model.primary().upstream(), model.primary().model(), request.inputs(),
				request.dimensions(), tenant.upstreamApiKey(), requestId);
		Duration timeout = timeout(headers);
		Deadline deadline = Deadline.after(timeout, Schedulers.parallel());
		return this.tokenLimits.check(model, request.inputs())
			.then(Mono.defer(() -> this.fanout.embed(model, call, deadline)))
			.timeout(deadline.remaining(),
					Mono.error(() -> new DeadlineExceededException(
							"The request did not complete within its deadline of " + timeout.toMillis() + " ms.")))
			.map((embeddings) -> {
				facts.tokens = embeddings.promptTokens();
				return EmbeddingsResponseWriter.prepare(request.model(), embeddings, request.base64());
			})
			.flatMap((answer) -> ServerResponse.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.contentLength(answer.size())
				.body((message, context) -> message.writeWith(answer.body(message.bufferFactory()))));
	}

	/**
	 * The body as one array, counted in {@code memory} as its bytes arrive: a body
	 * announced but not sent holds nothing, and one that passes the budget stops being
	 * read.
	 */
	private Mono<byte[]> readBody(ServerRequest request, Reservation memory) {
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

	/** OpenAI's model list, limited to what the caller's tenant may use. */
	Mono<ServerResponse> models(ServerRequest request) {
		return Mono.defer(() -> {
			Tenant tenant = this.tenants.authenticate(request.headers().firstHeader(HttpHeaders.AUTHORIZATION));
			List<Map<String, Object>> data = this.catalog.all()
				.stream()
				.filter(tenant::mayUse)
				.map((model) -> Map.<String, Object>of("id", model.name(), "object", "model", "created", 0, "owned_by",
						model.primary().upstream()))
				.toList();
			return ServerResponse.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("object", "list", "data", data));
		});
	}

}
