package com.embeddinggateway.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The in-memory tier: Caffeine bounded by the bytes its entries hold
 * ({@code gateway.cache.max-memory}), not by their number, since a Qwen3-8B vector weighs
 * 64 times a 64-dimension one. Entries expire {@code gateway.cache.ttl} after they were
 * written. Its memory is its own, apart from the request memory budget.
 */
final class MemoryTier {

	private static final Log logger = LogFactory.getLog(MemoryTier.class);

	private final Cache<ItemKey, StoredVector> entries;

	private final long limit;

	MemoryTier(CacheProperties properties) {
		this(properties, Runtime.getRuntime().maxMemory());
	}

	MemoryTier(CacheProperties properties, long heap) {
		this.limit = limit(properties.maxMemory().toBytes(), heap);
		this.entries = Caffeine.newBuilder()
			.maximumWeight(this.limit)
			.weigher((ItemKey key, StoredVector vector) -> key.weight() + vector.weight())
			.expireAfterWrite(properties.ttl())
			.build();
	}

	/**
	 * At most a quarter of the heap: the requests in flight may hold half of it
	 * ({@code max-in-flight-memory}) and the upstream client's buffers an eighth. A 256
	 * MB cache in a 256 MB heap ran the gateway out of memory within a minute of distinct
	 * texts.
	 */
	static long limit(long configured, long heap) {
		long quarter = heap / 4;
		if (configured > quarter) {
			logger
				.warn("gateway.cache.max-memory (" + configured / (1024 * 1024) + " MB) is more than a quarter of the "
						+ heap / (1024 * 1024) + " MB heap; the cache holds at most " + quarter / (1024 * 1024)
						+ " MB. Give the JVM more heap (-Xmx) or the cache less.");
			return quarter;
		}
		return configured;
	}

	/** The most bytes the tier holds. */
	long limit() {
		return this.limit;
	}

	@Nullable StoredVector get(ItemKey key) {
		return this.entries.getIfPresent(key);
	}

	void put(ItemKey key, StoredVector vector) {
		this.entries.put(key, vector);
	}

	/** Drops every entry of {@code model}. */
	void forget(String model) {
		this.entries.asMap().keySet().removeIf((key) -> key.model().equals(model));
	}

	/**
	 * Replaces {@code old} by {@code now} if the entry still holds {@code old}, weighing
	 * it again.
	 */
	void replace(ItemKey key, StoredVector old, StoredVector now) {
		this.entries.asMap().replace(key, old, now);
	}

	/** Bytes held, as the weigher counts them. */
	long bytes() {
		return this.entries.policy().eviction().map((eviction) -> eviction.weightedSize().orElse(0)).orElse(0L);
	}

	long entries() {
		return this.entries.estimatedSize();
	}

}
