package com.embeddinggateway.cache;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.ReactiveStringCommands.SetCommand;
import org.springframework.data.redis.core.types.Expiration;

/**
 * The tier shared by replicas, in Redis: one string per vector, its value the text's
 * token share (4 bytes) then its float32 components, little-endian, and a TTL of
 * {@code gateway.cache.ttl}. A request reads all its keys in one {@code MGET} and writes
 * its new vectors as one pipelined batch of {@code SET ... PX}.
 * <p>
 * Redis is a saving, never a dependency: a read that fails or takes longer than
 * {@code gateway.cache.redis-timeout} counts as a miss, a write that fails is dropped,
 * and after a failure Redis is left alone for a while ({@link #PAUSE_AFTER_FAILURE}) so
 * that requests do not each wait out the timeout while it is down.
 */
final class RedisTier {

	private static final Log logger = LogFactory.getLog(RedisTier.class);

	/** How long Redis is skipped after a failure before it is tried again. */
	static final Duration PAUSE_AFTER_FAILURE = Duration.ofSeconds(5);

	private static final String PREFIX = "eg:embedding:v1:";

	private final ReactiveRedisConnectionFactory connections;

	private final Duration timeout;

	private final Expiration ttl;

	private final AtomicLong pausedUntilNanos = new AtomicLong(System.nanoTime());

	RedisTier(ReactiveRedisConnectionFactory connections, CacheProperties properties) {
		this.connections = connections;
		this.timeout = properties.redisTimeout();
		this.ttl = Expiration.from(properties.ttl());
		// Connect now: the first read would otherwise spend its timeout connecting.
		Mono.usingWhen(Mono.fromSupplier(connections::getReactiveConnection), ReactiveRedisConnection::ping,
				RedisTier::close)
			.subscribe(null, (error) -> logger.warn("Redis cache is not reachable yet ("
					+ error.getClass().getSimpleName() + "); serving from memory and the upstream until it is"));
	}

	/** The vectors Redis holds for {@code keys}; none when Redis is in trouble. */
	Mono<Map<ItemKey, StoredVector>> getAll(List<ItemKey> keys) {
		if (keys.isEmpty() || paused()) {
			return Mono.just(Map.of());
		}
		List<ByteBuffer> names = new ArrayList<>(keys.size());
		keys.forEach((key) -> names.add(name(key)));
		return Mono
			.usingWhen(Mono.fromSupplier(this.connections::getReactiveConnection),
					(connection) -> connection.stringCommands().mGet(names), RedisTier::close)
			.map((values) -> {
				Map<ItemKey, StoredVector> found = new HashMap<>();
				for (int i = 0; i < keys.size() && i < values.size(); i++) {
					ByteBuffer value = values.get(i);
					StoredVector vector = (value != null) ? decode(value) : null;
					if (vector != null) {
						found.put(keys.get(i), vector);
					}
				}
				return found;
			})
			.timeout(this.timeout)
			.onErrorResume((error) -> {
				failed("read", error);
				return Mono.just(Map.of());
			});
	}

	/** Stores {@code vectors} in the background; a failure only costs later hits. */
	void putAll(Map<ItemKey, StoredVector> vectors) {
		if (vectors.isEmpty() || paused()) {
			return;
		}
		List<SetCommand> commands = new ArrayList<>(vectors.size());
		vectors
			.forEach((key, vector) -> commands.add(SetCommand.set(name(key)).value(encode(vector)).expiring(this.ttl)));
		Flux.usingWhen(Mono.fromSupplier(this.connections::getReactiveConnection),
				(connection) -> connection.stringCommands().set(Flux.fromIterable(commands)), RedisTier::close)
			.then()
			.timeout(this.timeout.multipliedBy(10))
			.subscribe(null, (error) -> failed("write", error));
	}

	private boolean paused() {
		return System.nanoTime() - this.pausedUntilNanos.get() < 0;
	}

	private void failed(String what, Throwable error) {
		long now = System.nanoTime();
		long previous = this.pausedUntilNanos.getAndSet(now + PAUSE_AFTER_FAILURE.toNanos());
		if (now - previous >= 0) {
			logger.warn("Redis cache " + what + " failed (" + error.getClass().getSimpleName()
					+ "); serving from memory and the upstream, trying Redis again in "
					+ PAUSE_AFTER_FAILURE.toSeconds() + " s");
		}
	}

	private static Mono<Void> close(ReactiveRedisConnection connection) {
		return connection.closeLater();
	}

	static ByteBuffer name(ItemKey key) {
		return ByteBuffer.wrap((PREFIX + key.model() + ':' + key.dimensions() + ':' + key.scope() + ':' + key.sha256())
			.getBytes(StandardCharsets.UTF_8));
	}

	static ByteBuffer encode(StoredVector vector) {
		ByteBuffer value = ByteBuffer.allocate(Integer.BYTES + vector.float32().length).order(ByteOrder.LITTLE_ENDIAN);
		value.putInt(vector.tokens()).put(vector.float32()).flip();
		return value;
	}

	/** A stored value, or {@code null} for a value of another shape. */
	static @Nullable StoredVector decode(ByteBuffer value) {
		int length = value.remaining() - Integer.BYTES;
		if (length <= 0 || length % Float.BYTES != 0) {
			return null;
		}
		ByteBuffer little = value.duplicate().order(ByteOrder.LITTLE_ENDIAN);
		int tokens = little.getInt();
		byte[] float32 = new byte[length];
		little.get(float32);
		return new StoredVector(float32, tokens);
	}

}
