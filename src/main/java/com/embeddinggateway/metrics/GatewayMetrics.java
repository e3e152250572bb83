package com.embeddinggateway.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;

import org.springframework.stereotype.Component;

/**
 * The gateway's own meters. Callers pass only bounded values: tenant ids and catalog
 * names from configuration, upstream ids, and the fixed outcome names below.
 */
@Component
public class GatewayMetrics {

	/**
	 * Latency buckets for requests and upstream calls, from a cache hit to a slow
	 * fan-out.
	 */
	private static final Duration[] BUCKETS = { Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
			Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
			Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30) };

	private final MeterRegistry registry;

	/**
	 * Meters already registered, so that a request looks them up by one small key instead
	 * of building and sorting their tags again. The keys are as bounded as the tags.
	 */
	private final Map<RequestKey, Timer> requests = new ConcurrentHashMap<>();

	private final Map<TenantModel, Counter> inputs = new ConcurrentHashMap<>();

	private final Map<TenantModel, Counter> tokens = new ConcurrentHashMap<>();

	private final Map<UpstreamCallKey, Timer> upstreamCalls = new ConcurrentHashMap<>();

	private final Map<UpstreamModel, DistributionSummary> inputsPerCall = new ConcurrentHashMap<>();

	private final Map<CacheKey, Counter> cacheInputs = new ConcurrentHashMap<>();

	private final Map<TenantModel, Counter> tokensSaved = new ConcurrentHashMap<>();

	public GatewayMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	/**
	 * The memory budget: bytes the requests in flight hold, and the most they may hold.
	 */
	public void memoryBudget(LongSupplier held, long limit) {
		Gauge.builder("gateway.memory.held", held, LongSupplier::getAsLong)
			.description("Bytes of request bodies and upstream answers held by the requests in flight")
			.baseUnit(BaseUnits.BYTES)
			.strongReference(true)
			.register(this.registry);
		Gauge.builder("gateway.memory.limit", () -> limit)
			.description("Bytes the requests in flight may hold before large ones are refused with 503")
			.baseUnit(BaseUnits.BYTES)
			.strongReference(true)
			.register(this.registry);
	}

	/**
	 * Load shedding at the front door: the adaptive limit on embeddings requests in
	 * flight and the requests in flight; the counter returned counts the requests refused
	 * for being over it.
	 */
	public Counter shedding(IntSupplier limit, IntSupplier inFlight) {
		Gauge.builder("gateway.shedding.limit", limit, IntSupplier::getAsInt)
			.description("Embeddings requests that may be in flight before further ones are refused with 503")
			.strongReference(true)
			.register(this.registry);
		Gauge.builder("gateway.shedding.in.flight", inFlight, IntSupplier::getAsInt)
			.description("Embeddings requests admitted and not yet answered")
			.strongReference(true)
			.register(this.registry);
		return Counter.builder("gateway.requests.shed")
			.description("Embeddings requests refused with 503 because the gateway was at capacity")
			.register(this.registry);
	}

	/**
	 * The cache's in-memory tier: bytes and entries held, and the most bytes it may hold.
	 */
	public void cacheMemory(LongSupplier bytes, LongSupplier entries, long limit) {
		Gauge.builder("gateway.cache.memory", bytes, LongSupplier::getAsLong)
			.description("Bytes the in-memory cache tier holds, apart from the request memory budget")
			.baseUnit(BaseUnits.BYTES)
			.strongReference(true)
			.register(this.registry);
		Gauge.builder("gateway.cache.memory.limit", () -> limit)
			.description("Bytes the in-memory cache tier may hold (gateway.cache.max-memory)")
			.baseUnit(BaseUnits.BYTES)
			.strongReference(true)
			.register(this.registry);
		Gauge.builder("gateway.cache.entries", entries, LongSupplier::getAsLong)
			.description("Vectors the in-memory cache tier holds")
			.strongReference(true)
			.register(this.registry);
	}

	/**
	 * How one request's inputs were answered: {@code hits} from the cache, {@code shared}
	 * by another input of the same request or another request's upstream call,
	 * {@code sent} upstream by this request; {@code tokensSaved} is what the first two
	 * would have cost.
	 */
	public void cacheInputs(String tenant, String model, int hits, int shared, int sent, long tokensSaved) {
		cacheCounter(tenant, model, "hit").increment(hits);
		cacheCounter(tenant, model, "shared").increment(shared);
		cacheCounter(tenant, model, "miss").increment(sent);
		if (tokensSaved > 0) {
			this.tokensSaved
				.computeIfAbsent(new TenantModel(tenant, model),
						(key) -> Counter.builder("gateway.cache.tokens.saved")
							.description("Prompt tokens not spent upstream thanks to the cache, deduplication "
									+ "and shared upstream calls")
							.tags("tenant", tenant, "model", model)
							.register(this.registry))
				.increment(tokensSaved);
		}
	}

	private Counter cacheCounter(String tenant, String model, String result) {
		return this.cacheInputs.computeIfAbsent(new CacheKey(tenant, model, result),
				(key) -> Counter.builder("gateway.cache.inputs")
					.description("Inputs by how they were answered: hit (from the cache), shared (a duplicate, "
							+ "or another request's upstream call), miss (sent upstream)")
					.tags("tenant", tenant, "model", model, "result", result)
					.register(this.registry));
	}

	/** One answered request, whatever its status. */
	public void request(String tenant, String model, int status, long nanos, int inputs, long tokens) {
		this.requests
			.computeIfAbsent(new RequestKey(tenant, model, status),
					(key) -> Timer.builder("gateway.requests")
						.description("Requests answered, by tenant, model and HTTP status")
						.tags("tenant", tenant, "model", model, "status", Integer.toString(status))
						.serviceLevelObjectives(BUCKETS)
						.register(this.registry))
			.record(nanos, TimeUnit.NANOSECONDS);
		if (inputs > 0) {
			this.inputs
				.computeIfAbsent(new TenantModel(tenant, model),
						(key) -> Counter.builder("gateway.inputs")
							.description("Texts embedded")
							.tags("tenant", tenant, "model", model)
							.register(this.registry))
				.increment(inputs);
		}
		if (tokens > 0) {
			this.tokens
				.computeIfAbsent(new TenantModel(tenant, model),
						(key) -> Counter.builder("gateway.tokens")
							.description("Prompt tokens spent upstream (inputs answered by the cache cost none)")
							.tags("tenant", tenant, "model", model)
							.register(this.registry))
				.increment(tokens);
		}
	}

	/** One upstream call; {@code outcome} is {@code success} or a failure kind. */
	public void upstreamCall(String upstream, String model, String outcome, long nanos) {
		this.upstreamCalls
			.computeIfAbsent(new UpstreamCallKey(upstream, model, outcome),
					(key) -> Timer.builder("gateway.upstream.calls")
						.description("Calls to upstream deployments, by outcome")
						.tags("upstream", upstream, "model", model, "outcome", outcome)
						.serviceLevelObjectives(BUCKETS)
						.register(this.registry))
			.record(nanos, TimeUnit.NANOSECONDS);
	}

	/** An upstream call is being sent with {@code inputs} texts. */
	public void upstreamInputs(String upstream, String model, int inputs) {
		this.inputsPerCall
			.computeIfAbsent(new UpstreamModel(upstream, model),
					(key) -> DistributionSummary.builder("gateway.upstream.call.inputs")
						.description("Inputs per upstream call")
						.tags("upstream", upstream, "model", model)
						.serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64)
						.register(this.registry))
			.record(inputs);
	}

	/** {@code calls} calls that waited for a pacing slot went upstream as one. */
	public void mergedCall(String upstream, String model, int calls) {
		Counter.builder("gateway.upstream.merged.calls")
			.description("Upstream calls that carried several waiting calls merged into one")
			.tags("upstream", upstream, "model", model)
			.register(this.registry)
			.increment();
		Counter.builder("gateway.upstream.merged.parts")
			.description("Waiting calls that went upstream merged into another call")
			.tags("upstream", upstream, "model", model)
			.register(this.registry)
			.increment(calls);
	}

	/** A retry was sent, after a failure of kind {@code reason}. */
	public void retry(String upstream, String model, String reason) {
		Counter.builder("gateway.upstream.retries")
			.description("Retries sent after a transient failure")
			.tags("upstream", upstream, "model", model, "reason", reason)
			.register(this.registry)
			.increment();
	}

	/** A transient failure went to the caller because the retry budget was spent. */
	public void retryBudgetExhausted(String upstream) {
		Counter.builder("gateway.upstream.retry.budget.exhausted")
			.description("Failures passed on because the upstream's retry budget was spent")
			.tags("upstream", upstream)
			.register(this.registry)
			.increment();
	}

	/**
	 * A call moved away from deployment {@code from} to another one of the same model.
	 */
	public void spillover(String model, String from) {
		Counter.builder("gateway.upstream.spillovers")
			.description("Calls moved from a rate-limited or open deployment to another of the same model")
			.tags("model", model, "from", from)
			.register(this.registry)
			.increment();
	}

	private record RequestKey(String tenant, String model, int status) {
	}

	private record TenantModel(String tenant, String model) {
	}

	private record UpstreamModel(String upstream, String model) {
	}

	private record CacheKey(String tenant, String model, String result) {
	}

	private record UpstreamCallKey(String upstream, String model, String outcome) {
	}

}
