package com.embeddinggateway.ratelimit;

import java.time.Clock;

import com.embeddinggateway.metrics.GatewayMetrics;
import io.lettuce.core.ClientOptions;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.util.StringUtils;

/**
 * Chooses where quota state lives. Redis is used when {@code spring.data.redis.host} or
 * {@code spring.data.redis.url} is set (Spring Boot's own names); otherwise nothing ever
 * asks Spring Boot's Redis connection factory for a connection (it connects lazily, and
 * its health indicator is switched off in {@code application.yml}), so a gateway without
 * Redis never tries to reach {@code localhost:6379}.
 */
@Configuration(proxyBeanMethods = false)
class RateLimitConfiguration {

	private static final Log logger = LogFactory.getLog(RateLimitConfiguration.class);

	/** Decides which day and month a budget books into (UTC); tests replace it. */
	@Bean
	Clock quotaClock() {
		return Clock.systemUTC();
	}

	@Bean
	QuotaStore quotaStore(Environment environment, ObjectProvider<ReactiveStringRedisTemplate> redis,
			RateLimitProperties properties, GatewayMetrics metrics) {
		LocalQuotaStore local = new LocalQuotaStore();
		if (!redisConfigured(environment)) {
			return local;
		}
		logger.info("Tenant quotas and upstream account budgets are shared through Redis (failing "
				+ (properties.rateLimit().failOpen() ? "open" : "closed") + " after "
				+ properties.rateLimit().redisTimeout().toMillis() + " ms)");
		return new SharedQuotaStore(new RedisQuotaStore(redis.getObject()), local, properties, metrics);
	}

	/**
	 * While Redis is unreachable, Lettuce refuses commands at once instead of queueing
	 * them until it reconnects (it still reconnects by itself): a request fails over to
	 * its local limits without waiting for {@code redis-timeout}, and no backlog of
	 * commands grows during an outage.
	 */
	@Bean
	LettuceClientOptionsBuilderCustomizer failFastWhileDisconnected() {
		return (options) -> options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
	}

	static boolean redisConfigured(Environment environment) {
		return StringUtils.hasText(environment.getProperty("spring.data.redis.host"))
				|| StringUtils.hasText(environment.getProperty("spring.data.redis.url"));
	}

}
