package com.embeddinggateway.cache;

import java.time.Duration;
import java.util.List;

import com.embeddinggateway.config.PositiveSize;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The per-item embedding cache.
 *
 * @param enabled whether vectors are cached at all
 * @param maxMemory bytes the in-memory tier may hold (vectors, keys and bookkeeping),
 * apart from the request memory budget; the least recently used entries go first
 * @param ttl how long a vector is kept after it was computed
 * @param scope {@code shared}: one tenant's vectors answer every tenant (a tenant can
 * learn by timing whether another embedded a text); {@code per-tenant}: each tenant has
 * its own entries
 * @param excludedModels catalog names whose vectors are never cached
 * @param excludedTenants tenant ids whose requests neither read nor fill the cache
 * @param redisTimeout longest a read from the Redis tier may take before it counts as a
 * miss (Redis is used when {@code spring.data.redis.host} or
 * {@code spring.data.redis.url} is set)
 */
@Validated
@ConfigurationProperties("gateway.cache")
public record CacheProperties(@DefaultValue("true") boolean enabled,
		@DefaultValue("256MB") @PositiveSize DataSize maxMemory,
		@DefaultValue("7d") @DurationMin(seconds = 1) Duration ttl, @DefaultValue("shared") Scope scope,
		@DefaultValue List<String> excludedModels, @DefaultValue List<String> excludedTenants,
		@DefaultValue("100ms") @DurationMin(millis = 1) Duration redisTimeout) {

	/** Who shares an entry. */
	public enum Scope {

		/** Every tenant. */
		SHARED,

		/** Only the tenant that filled it. */
		PER_TENANT

	}

}
