package com.embeddinggateway.api;

import java.time.Duration;

import com.embeddinggateway.cache.EmbeddingCache;
import com.embeddinggateway.catalog.InputRules;
import com.embeddinggateway.catalog.ModelCatalog;
import com.embeddinggateway.catalog.ModelNotFoundException;
import com.embeddinggateway.catalog.ModelSpec;
import com.embeddinggateway.catalog.TokenLimits;
import com.embeddinggateway.fanout.EmbeddingFanout;
import com.embeddinggateway.ratelimit.TenantQuotas;
import com.embeddinggateway.resilience.Deadline;
import com.embeddinggateway.resilience.DeadlineExceededException;
import com.embeddinggateway.resilience.ResilienceProperties;
import com.embeddinggateway.tenancy.Tenant;
import com.embeddinggateway.tenancy.TenantDirectory;
import com.embeddinggateway.upstream.UpstreamCall;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * {@code POST /v1/embeddings}, step by step: tenant from its key, body within the size
 * limit and the memory budget, shape, model allowed for the tenant, per-model rules,
 * token limits, the tenant's quotas, the cache and fan-out to the upstream, response.
 */
@Component
class EmbeddingsHandler {

	/**
	 * Vector length assumed for a model configured without one: the longest any built-in
	 * model returns.
	 */
	private static final int UNKNOWN_DIMENSIONS = 4096;

	/** Inputs of the request answered from the cache, sent when the cache applies. */
	static final String CACHE_HITS = "x-cache-hits";

	private final TenantDirectory tenants;

	private final ModelCatalog catalog;

	private final TokenLimits tokenLimits;

	private final TenantQuotas quotas;

	private final EmbeddingFanout fanout;

	private final EmbeddingCache cache;

	private final MemoryBudget memory;

	private final RequestBody body;

	private final Duration deadline;

	EmbeddingsHandler(TenantDirectory tenants, ModelCatalog catalog, TokenLimits tokenLimits, TenantQuotas quotas,
			EmbeddingFanout fanout, EmbeddingCache cache, ResilienceProperties resilience, MemoryBudget memory,
			RequestBody body) {
		this.tenants = tenants;
		this.catalog = catalog;
		this.tokenLimits = tokenLimits;
		this.quotas = quotas;
		this.fanout = fanout;
		this.cache = cache;
		this.memory = memory;
		this.body = body;
		this.deadline = resilience.deadline();
	}

	Mono<ServerResponse> embed(ServerRequest request) {
		return Mono.defer(() -> {
			RequestFacts facts = RequestFacts.start(request.exchange(), this.memory.open());
			Tenant tenant = this.tenants.authenticate(request.headers().firstHeader(HttpHeaders.AUTHORIZATION));
			facts.tenant = tenant.id();
			this.body.checkAnnouncedSize(request);
			String requestId = RequestIdFilter.requestId(request.exchange());
			return this.body.parse(request, facts.memory)
				.flatMap((embeddings) -> embed(tenant, embeddings, requestId, request.headers(),
						request.exchange().getResponse().getHeaders(), facts));
		});
	}

	private Mono<ServerResponse> embed(Tenant tenant, EmbeddingsRequest request, String requestId,
			ServerRequest.Headers headers, HttpHeaders answerHeaders, RequestFacts facts) {
		ModelSpec model = this.catalog.find(request.model())
			.filter(tenant::mayUse)
			.orElseThrow(() -> new ModelNotFoundException(request.model()));
		facts.model = model.name();
		facts.inputs = request.inputs().size();
		InputRules.check(model, request.inputs(), request.dimensions());
		int vectorLength = (request.dimensions() != null) ? request.dimensions() : model.dimensions();
		int dimensions = (vectorLength > 0) ? vectorLength : UNKNOWN_DIMENSIONS;
		facts.memory.add(this.fanout.answerBytesHeld(model, request.inputs().size(), dimensions),
				"the answers to this request's " + request.inputs().size() + " inputs");
		UpstreamCall call = new UpstreamCall(model.primary().upstream(), model.primary().model(), request.inputs(),
				request.dimensions(), vectorLength, tenant.upstreamApiKey(), requestId);
		Duration timeout = CallerTimeout.lower(this.deadline, headers);
		Deadline deadline = Deadline.after(timeout, Schedulers.parallel());
		return this.tokenLimits.check(model, request.inputs())
			.then(Mono.defer(() -> this.quotas.admit(tenant, model, request.inputs(), answerHeaders::set)))
			// The books count what the upstream was paid for: inputs answered from the
			// cache
			// cost nothing.
			.flatMap((admission) -> this.cache.embed(tenant, model, call, deadline, noCache(headers))
				.doOnNext((embeddings) -> admission.settle(embeddings.upstreamTokens()))
				.doOnError((error) -> admission.release())
				.doOnCancel(admission::release))
			.timeout(deadline.remaining(),
					Mono.error(() -> new DeadlineExceededException(
							"The request did not complete within its deadline of " + timeout.toMillis() + " ms.")))
			.flatMap((embeddings) -> {
				// Limits, budgets and cost count what was spent upstream; usage, the
				// whole input.
				facts.tokens = embeddings.upstreamTokens();
				EmbeddingsResponseWriter.Answer answer = EmbeddingsResponseWriter.prepare(request.model(), embeddings,
						request.base64());
				return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).headers((http) -> {
					if (this.cache.appliesTo(tenant, model)) {
						http.set(CACHE_HITS, Integer.toString(embeddings.cacheHits()));
					}
				})
					.contentLength(answer.size())
					.body((message, context) -> message.writeWith(answer.body(message.bufferFactory())));
			});
	}

	/** {@code Cache-Control: no-cache}: the caller wants vectors computed now. */
	private static boolean noCache(ServerRequest.Headers headers) {
		for (String value : headers.header(HttpHeaders.CACHE_CONTROL)) {
			for (String directive : value.split(",")) {
				if (directive.trim().equalsIgnoreCase("no-cache")) {
					return true;
				}
			}
		}
		return false;
	}

}
