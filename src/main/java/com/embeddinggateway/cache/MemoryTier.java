package com.embeddinggateway.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jspecify.annotations.Nullable;

/**
 * The in-memory tier: Caffeine bounded by the bytes its entries hold
 * ({@code gateway.cache.max-memory}), not by their number, since a Qwen3-8B vector weighs
 * 64 times a 64-dimension one. Entries expire {@code gateway.cache.ttl} after they were
 * written. Its memory is its own, apart from the request memory budget.
 */
final class MemoryTier {

	private final Cache<ItemKey, StoredVector> entries;

	MemoryTier(CacheProperties properties) {
		this.entries = Caffeine.newBuilder()
			.maximumWeight(properties.maxMemory().toBytes())
			.weigher((ItemKey key, StoredVector vector) -> key.weight() + vector.weight())
			.expireAfterWrite(properties.ttl())
			.build();
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
