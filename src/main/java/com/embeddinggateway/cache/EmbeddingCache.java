package com.embeddinggateway.cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.embeddinggateway.catalog.ModelSpec;
import com.embeddinggateway.fanout.EmbeddingFanout;
import com.embeddinggateway.fanout.Embeddings;
import com.embeddinggateway.metrics.GatewayMetrics;
import com.embeddinggateway.resilience.Deadline;
import com.embeddinggateway.tenancy.Tenant;
import com.embeddinggateway.upstream.TokenShares;
import com.embeddinggateway.upstream.UpstreamCall;
import com.embeddinggateway.upstream.UpstreamFailure;
import com.embeddinggateway.upstream.VectorBatch;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * The step between the catalog and the fan-out: each input is answered from the cache
 * when it can be, and only the rest goes to the fan-out, each distinct text once, and not
 * at all when another request is already sending it ({@link Flight}). {@code data[i]}
 * stays input {@code i}'s vector whatever mix of hits, duplicates and misses a request
 * holds.
 * <p>
 * Only what the fan-out returned is stored: a complete answer, every vector checked
 * against the length asked for. An error stores nothing.
 */
@Component
public class EmbeddingCache {

	private final EmbeddingFanout fanout;

	private final CacheProperties properties;

	private final MemoryTier memory;

	private final @Nullable RedisTier redis;

	private final GatewayMetrics metrics;

	private final Set<String> excludedModels;

	private final Set<String> excludedTenants;

	private final Map<ItemKey, Flight> flights = new ConcurrentHashMap<>();

	public EmbeddingCache(EmbeddingFanout fanout, CacheProperties properties, GatewayMetrics metrics,
			Environment environment, ObjectProvider<ReactiveRedisConnectionFactory> redis) {
		this.fanout = fanout;
		this.properties = properties;
		this.metrics = metrics;
		this.memory = new MemoryTier(properties);
		// Boot configures a connection factory for localhost whenever Redis is on the
		// class
		// path: only settings someone gave mean there is a Redis to share.
		boolean configured = environment.containsProperty("spring.data.redis.host")
				|| environment.containsProperty("spring.data.redis.url");
		ReactiveRedisConnectionFactory connections = configured ? redis.getIfAvailable() : null;
		this.redis = (connections != null) ? new RedisTier(connections, properties) : null;
		this.excludedModels = Set.copyOf(properties.excludedModels());
		this.excludedTenants = Set.copyOf(properties.excludedTenants());
		metrics.cacheMemory(this.memory::bytes, this.memory::entries, this.memory.limit());
	}

	/** Whether requests of {@code tenant} for {@code model} go through the cache. */
	public boolean appliesTo(Tenant tenant, ModelSpec model) {
		return this.properties.enabled() && !this.excludedModels.contains(model.name())
				&& !this.excludedTenants.contains(tenant.id());
	}

	/**
	 * Drops every vector of {@code model} from the in-memory tier: for the warm-up's
	 * model, which exists only while it runs.
	 */
	public void forget(String model) {
		this.memory.forget(model);
	}

	/**
	 * Embeds {@code call}'s inputs with {@code model} before {@code deadline}, from the
	 * cache where possible. With {@code fresh} (the caller's {@code Cache-Control:
	 * no-cache}) nothing is read from the cache and every vector computed refreshes its
	 * entry.
	 */
	public Mono<Embeddings> embed(Tenant tenant, ModelSpec model, UpstreamCall call, Deadline deadline, boolean fresh) {
		if (!appliesTo(tenant, model)) {
			return this.fanout.embed(model, call, deadline);
		}
		return Mono.defer(() -> new Lookup(tenant, model, call, deadline, fresh).run());
	}

	/** One request's way through the cache. */
	private final class Lookup {

		private final Tenant tenant;

		private final ModelSpec model;

		private final UpstreamCall call;

		private final Deadline deadline;

		private final boolean fresh;

		/** Input {@code i}'s key. */
		private final ItemKey[] keys;

		/** Each distinct text, by key, in order of first appearance. */
		private final Map<ItemKey, String> texts = new LinkedHashMap<>();

		/** Vectors found or computed so far, by key. */
		private final Map<ItemKey, StoredVector> found = new ConcurrentHashMap<>();

		/** Flights this request started and must end, whatever happens to it. */
		private final Map<ItemKey, Flight> started = new LinkedHashMap<>();

		private int sent;

		Lookup(Tenant tenant, ModelSpec model, UpstreamCall call, Deadline deadline, boolean fresh) {
			this.tenant = tenant;
			this.model = model;
			this.call = call;
			this.deadline = deadline;
			this.fresh = fresh;
			this.keys = new ItemKey[call.inputs().size()];
		}

		Mono<Embeddings> run() {
			String scope = (EmbeddingCache.this.properties.scope() == CacheProperties.Scope.PER_TENANT)
					? this.tenant.id() : "";
			int dimensions = (this.call.dimensions() != null) ? this.call.dimensions() : 0;
			MessageDigest sha256 = sha256();
			HexFormat hex = HexFormat.of();
			for (int i = 0; i < this.keys.length; i++) {
				String text = this.call.inputs().get(i);
				ItemKey key = new ItemKey(scope, this.model.name(), dimensions,
						hex.formatHex(sha256.digest(text.getBytes(StandardCharsets.UTF_8))));
				this.keys[i] = key;
				this.texts.putIfAbsent(key, text);
			}
			List<ItemKey> missing = new ArrayList<>();
			for (ItemKey key : this.texts.keySet()) {
				if (!readCache(key)) {
					missing.add(key);
				}
			}
			RedisTier redis = EmbeddingCache.this.redis;
			if (redis == null || this.fresh || missing.isEmpty()) {
				return fly(missing);
			}
			return redis.getAll(missing).flatMap((shared) -> {
				shared.forEach((key, vector) -> {
					if (fits(vector)) {
						this.found.put(key, vector);
						EmbeddingCache.this.memory.put(key, vector);
					}
				});
				missing.removeIf(this.found::containsKey);
				return fly(missing);
			});
		}

		/**
		 * Sends the texts of {@code missing} that no other request is sending, waits for
		 * the others, and answers.
		 */
		private Mono<Embeddings> fly(List<ItemKey> missing) {
			List<ItemKey> owned = new ArrayList<>();
			Map<ItemKey, Flight> joined = new LinkedHashMap<>();
			for (ItemKey key : missing) {
				Flight flight = new Flight(this.call.apiKey());
				Flight running = EmbeddingCache.this.flights.putIfAbsent(key, flight);
				if (running != null) {
					joined.put(key, running);
					continue;
				}
				this.started.put(key, flight);
				// The flight before may have ended between the two looks.
				if (readCache(key)) {
					end(key, flight, this.found.get(key));
					continue;
				}
				owned.add(key);
			}
			int hits = 0;
			for (ItemKey key : this.keys) {
				hits += this.found.containsKey(key) ? 1 : 0;
			}
			int cacheHits = hits;
			return Mono.zip(send(owned, true), awaitOthers(joined))
				.map((spent) -> answer(spent.getT1() + spent.getT2(), cacheHits))
				.doFinally((signal) -> this.started.forEach((key, flight) -> {
					flight.abandon();
					EmbeddingCache.this.flights.remove(key, flight);
				}));
		}

		private boolean readCache(ItemKey key) {
			if (this.fresh) {
				return false;
			}
			StoredVector vector = EmbeddingCache.this.memory.get(key);
			if (vector == null || !fits(vector)) {
				return false;
			}
			this.found.put(key, vector);
			return true;
		}

		private boolean fits(StoredVector vector) {
			return this.call.vectorLength() <= 0 || vector.dimensions() == this.call.vectorLength();
		}

		/**
		 * Sends the texts of {@code keys} through the fan-out, stores their vectors and
		 * ends their flights. Returns the tokens the upstream counted.
		 */
		private Mono<Long> send(List<ItemKey> keys, boolean flying) {
			if (keys.isEmpty()) {
				return Mono.just(0L);
			}
			List<String> inputs = new ArrayList<>(keys.size());
			keys.forEach((key) -> inputs.add(this.texts.get(key)));
			this.sent += keys.size();
			return EmbeddingCache.this.fanout.embed(this.model, this.call.withInputs(inputs), this.deadline)
				.map((embeddings) -> {
					StoredVector[] vectors = stored(embeddings, inputs);
					Map<ItemKey, StoredVector> computed = new LinkedHashMap<>();
					for (int j = 0; j < vectors.length; j++) {
						ItemKey key = keys.get(j);
						computed.put(key, vectors[j]);
						this.found.put(key, vectors[j]);
						EmbeddingCache.this.memory.put(key, vectors[j]);
						if (flying) {
							end(key, this.started.get(key), vectors[j]);
						}
					}
					if (EmbeddingCache.this.redis != null) {
						EmbeddingCache.this.redis.putAll(computed);
					}
					return embeddings.upstreamTokens();
				})
				.doOnError((error) -> {
					if (flying) {
						// Gone from the map before the error reaches the caller: a
						// request that arrives once the caller has its answer (a retry,
						// the next in a loop) sends the text again instead of sharing an
						// error that has already been answered.
						keys.forEach((key) -> {
							Flight flight = this.started.get(key);
							EmbeddingCache.this.flights.remove(key, flight);
							flight.fail(error);
						});
					}
				});
		}

		private void end(ItemKey key, @Nullable Flight flight, @Nullable StoredVector vector) {
			if (flight != null && vector != null) {
				flight.complete(vector);
				EmbeddingCache.this.flights.remove(key, flight);
			}
		}

		/**
		 * Waits for the texts other requests are sending; sends those whose flight ended
		 * without a vector itself.
		 */
		private Mono<Long> awaitOthers(Map<ItemKey, Flight> joined) {
			if (joined.isEmpty()) {
				return Mono.just(0L);
			}
			return Flux.fromIterable(joined.entrySet())
				.flatMap(
						(entry) -> entry.getValue()
							.result(this.call.apiKey())
							.doOnNext((vector) -> this.found.put(entry.getKey(), vector))
							.then(Mono.<ItemKey>empty())
							.onErrorResume(Flight.Abandoned.class, (abandoned) -> Mono.just(entry.getKey())),
						joined.size())
				.collectList()
				.flatMap((left) -> send(left, false));
		}

		private Embeddings answer(long upstreamTokens, int cacheHits) {
			StoredVector[] vectors = new StoredVector[this.keys.length];
			long tokens = 0;
			for (int i = 0; i < vectors.length; i++) {
				StoredVector vector = this.found.get(this.keys[i]);
				if (vector == null || vector.dimensions() != this.found.get(this.keys[0]).dimensions()) {
					throw new UpstreamFailure.BadResponse(
							"Upstream answered " + this.model.name() + " vectors of different lengths", 200);
				}
				vectors[i] = vector;
				tokens += vector.tokens();
			}
			int shared = this.keys.length - cacheHits - this.sent;
			EmbeddingCache.this.metrics.cacheInputs(this.tenant.id(), this.model.name(), cacheHits, shared, this.sent,
					Math.max(0, tokens - upstreamTokens));
			return new Embeddings(List.of(new Float32Batch(vectors, this.keys, EmbeddingCache.this.memory)), tokens,
					upstreamTokens, cacheHits);
		}

	}

	/**
	 * The fan-out's vectors as float32, each with its share of its upstream call's tokens
	 * ({@link TokenShares}). The answers are given back once copied.
	 */
	static StoredVector[] stored(Embeddings embeddings, List<String> inputs) {
		StoredVector[] vectors = new StoredVector[inputs.size()];
		int index = 0;
		for (VectorBatch batch : embeddings.batches()) {
			int[] tokens = TokenShares.of(batch.promptTokens(), inputs.subList(index, index + batch.size()));
			for (int i = 0; i < batch.size(); i++, index++) {
				byte[] float32 = new byte[batch.dimensions() * Float.BYTES];
				batch.writeLittleEndian(i, float32);
				vectors[index] = new StoredVector(float32, tokens[i]);
			}
			batch.release();
		}
		return vectors;
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java runtime has SHA-256", ex);
		}
	}

}
