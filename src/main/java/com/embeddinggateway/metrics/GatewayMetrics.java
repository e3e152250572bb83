package com.embeddinggateway.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
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

	/**
	 * The buckets OpenTelemetry's GenAI semantic conventions advise for
	 * {@code gen_ai.client.operation.duration}, in seconds.
	 */
	private static final Duration[] GEN_AI_DURATION_BUCKETS = { Duration.ofMillis(10), Duration.ofMillis(20),
			Duration.ofMillis(40), Duration.ofMillis(80), Duration.ofMillis(160), Duration.ofMillis(320),
			Duration.ofMillis(640), Duration.ofMillis(1280), Duration.ofMillis(2560), Duration.ofMillis(5120),
			Duration.ofMillis(10240), Duration.ofMillis(20480), Duration.ofMillis(40960), Duration.ofMillis(81920) };

	/**
	 * The buckets the same conventions advise for {@code gen_ai.client.token.usage}.
	 */
	private static final double[] GEN_AI_TOKEN_BUCKETS = { 1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576,
			4194304, 16777216, 67108864 };

	private final MeterRegistry registry;

	/**
	 * Meters already registered, so that a request looks them up by one small key instead
	 * of building and sorting their tags again. The keys are as bounded as the tags.
	 */
	private final Map<RequestKey, Timer> requests = new ConcurrentHashMap<>();

	private final Map<TenantModel, Counter> inputs = new ConcurrentHashMap<>();

	private final Map<TenantModel, Counter> tokens = new ConcurrentHashMap<>();

	private final Map<UpstreamCallKey, Timer> upstreamCalls = new ConcurrentHashMap<>();

	/**
	 * Tag values {@link #forget(String) forgotten}: requests of theirs record nothing.
	 */
	private final Set<String> forgotten = ConcurrentHashMap.newKeySet();

	private final Map<UpstreamCallKey, Timer> genAiDurations = new ConcurrentHashMap<>();

	private final Map<UpstreamCallKey, DistributionSummary> genAiTokens = new ConcurrentHashMap<>();

	private final Map<TenantModel, Counter> costs = new ConcurrentHashMap<>();

	/** Budget use by (tenant, period), read by the remaining-budget gauges. */
	private final Map<TenantModel, AtomicLong> budgetUsed = new ConcurrentHashMap<>();

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
	 * Adaptive pacing of calls to one deployment: the calls allowed in flight (the lowest
	 * among the upstream keys calling it) and the calls in flight (all keys together).
	 */
	public void pacing(String upstream, String model, IntSupplier limit, IntSupplier inFlight) {
		Gauge.builder("gateway.upstream.pacing.limit", limit, IntSupplier::getAsInt)
			.description("Calls allowed in flight to a deployment; 429s halve it, successes raise it")
			.tags("upstream", upstream, "model", model)
			.strongReference(true)
			.register(this.registry);
		Gauge.builder("gateway.upstream.pacing.in.flight", inFlight, IntSupplier::getAsInt)
			.description("Calls in flight to a deployment")
			.tags("upstream", upstream, "model", model)
			.strongReference(true)
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
		if (!this.forgotten.isEmpty() && (this.forgotten.contains(tenant) || this.forgotten.contains(model))) {
			return;
		}
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

	/**
	 * One upstream call; {@code outcome} is {@code success} or a failure kind. Recorded
	 * twice: as {@code gateway.upstream.calls}, and under OpenTelemetry's GenAI semantic
	 * conventions as {@code gen_ai.client.operation.duration}, the gateway being the
	 * client of a GenAI provider ({@code gen_ai.system}, the upstream's id), with
	 * {@code error.type} empty on success.
	 */
	public void upstreamCall(String upstream, String model, String outcome, long nanos) {
		UpstreamCallKey key = new UpstreamCallKey(upstream, model, outcome);
		this.upstreamCalls
			.computeIfAbsent(key,
					(k) -> Timer.builder("gateway.upstream.calls")
						.description("Calls to upstream deployments, by outcome")
						.tags("upstream", upstream, "model", model, "outcome", outcome)
						.serviceLevelObjectives(BUCKETS)
						.register(this.registry))
			.record(nanos, TimeUnit.NANOSECONDS);
		this.genAiDurations
			.computeIfAbsent(key,
					(k) -> Timer.builder("gen_ai.client.operation.duration")
						.description("GenAI operation duration (OpenTelemetry semantic conventions)")
						.tags(genAi(upstream, model))
						.tag("error.type", "success".equals(outcome) ? "" : outcome)
						.serviceLevelObjectives(GEN_AI_DURATION_BUCKETS)
						.register(this.registry))
			.record(nanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * The prompt tokens an upstream counted for one successful call, as
	 * {@code gen_ai.client.token.usage} with {@code gen_ai.token.type=input}: embeddings
	 * have no output tokens.
	 */
	public void upstreamTokens(String upstream, String model, long tokens) {
		this.genAiTokens
			.computeIfAbsent(new UpstreamCallKey(upstream, model, "input"),
					(k) -> DistributionSummary.builder("gen_ai.client.token.usage")
						.description("Tokens used per GenAI operation (OpenTelemetry semantic conventions)")
						.tags(genAi(upstream, model))
						.tag("gen_ai.token.type", "input")
						.serviceLevelObjectives(GEN_AI_TOKEN_BUCKETS)
						.register(this.registry))
			.record(tokens);
	}

	private static String[] genAi(String upstream, String model) {
		return new String[] { "gen_ai.operation.name", "embeddings", "gen_ai.system", upstream, "gen_ai.request.model",
				model };
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

	/**
	 * Removes every meter with a tag of value {@code value} (or {@code value:...}, as the
	 * breakers name a deployment), from the registry and from the lookups here: for the
	 * warm-up's tenant, model and upstream, which must leave no trace in what operators
	 * read.
	 */
	public void forget(String value) {
		// A request still being written when its tenant is forgotten records nothing.
		this.forgotten.add(value);
		for (Meter meter : List.copyOf(this.registry.getMeters())) {
			if (meter.getId()
				.getTags()
				.stream()
				.anyMatch((tag) -> tag.getValue().equals(value) || tag.getValue().startsWith(value + ":"))) {
				this.registry.remove(meter);
			}
		}
		this.requests.keySet().removeIf((key) -> key.tenant().equals(value) || key.model().equals(value));
		this.inputs.keySet().removeIf((key) -> key.tenant().equals(value) || key.model().equals(value));
		this.tokens.keySet().removeIf((key) -> key.tenant().equals(value) || key.model().equals(value));
		this.upstreamCalls.keySet().removeIf((key) -> key.upstream().equals(value) || key.model().equals(value));
		this.genAiDurations.keySet().removeIf((key) -> key.upstream().equals(value) || key.model().equals(value));
		this.genAiTokens.keySet().removeIf((key) -> key.upstream().equals(value) || key.model().equals(value));
	}

	/**
	 * Registers the gauges of a tenant's remaining day and month budgets (0 for a budget
	 * it does not have: no gauge).
	 */
	public void budgets(String tenant, long tokensPerDay, long tokensPerMonth) {
		if (tokensPerDay > 0) {
			budgetGauge(tenant, "day", tokensPerDay);
		}
		if (tokensPerMonth > 0) {
			budgetGauge(tenant, "month", tokensPerMonth);
		}
	}

	private void budgetGauge(String tenant, String period, long limit) {
		AtomicLong used = new AtomicLong();
		this.budgetUsed.put(new TenantModel(tenant, period), used);
		Gauge.builder("gateway.ratelimit.budget.remaining", () -> Math.max(0, limit - used.get()))
			.description("Tokens left in a tenant's day or month budget, as of its last request")
			.tags("tenant", tenant, "period", period)
			.strongReference(true)
			.register(this.registry);
	}

	/** What a tenant's last admission said it has used of its budgets. */
	public void budgetUsed(String tenant, long dayUsed, long monthUsed) {
		AtomicLong day = this.budgetUsed.get(new TenantModel(tenant, "day"));
		if (day != null) {
			day.set(dayUsed);
		}
		AtomicLong month = this.budgetUsed.get(new TenantModel(tenant, "month"));
		if (month != null) {
			month.set(monthUsed);
		}
	}

	/**
	 * A request refused with 429 by its tenant's limit of {@code kind} ({@code requests},
	 * {@code tokens}, {@code tokens_per_day}, {@code tokens_per_month}).
	 */
	public void quotaRejected(String tenant, String kind) {
		Counter.builder("gateway.ratelimit.rejections")
			.description("Requests refused with 429 by their tenant's own limits")
			.tags("tenant", tenant, "kind", kind)
			.register(this.registry)
			.increment();
	}

	/**
	 * A Redis operation of the quota store failed or timed out, and the request was
	 * admitted on local limits ({@code failOpen}) or refused.
	 */
	public void quotaStoreError(String operation, boolean failOpen) {
		Counter.builder("gateway.ratelimit.store.errors")
			.description(
					"Redis failures of the quota store, by the decision taken: open (local limits) or closed (503)")
			.tags("operation", operation, "decision", failOpen ? "open" : "closed")
			.register(this.registry)
			.increment();
	}

	/** An upstream call waited for its account's budget. */
	public void upstreamBudgetWait(String upstream, String model, long millis) {
		Timer.builder("gateway.upstream.budget.waits")
			.description("Waits of upstream calls for their account's requests or tokens budget")
			.tags("upstream", upstream, "model", model)
			.register(this.registry)
			.record(millis, TimeUnit.MILLISECONDS);
	}

	/** An upstream call refused with 429 because its account's budget was spent. */
	public void upstreamBudgetRefused(String upstream, String model) {
		Counter.builder("gateway.upstream.budget.rejections")
			.description("Upstream calls refused because their account's budget would have needed a longer wait")
			.tags("upstream", upstream, "model", model)
			.register(this.registry)
			.increment();
	}

	/** What a tenant's request cost, from the model's price per million tokens. */
	public void cost(String tenant, String model, String currency, double amount) {
		this.costs
			.computeIfAbsent(new TenantModel(tenant, model),
					(key) -> Counter.builder("gateway.cost")
						.description("Cost of the tokens embedded, from gateway.models[].price-per-million-tokens")
						.tags("tenant", tenant, "model", model, "currency", currency)
						.register(this.registry))
			.increment(amount);
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
