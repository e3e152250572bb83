package com.embeddinggateway.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import com.embeddinggateway.config.PositiveSize;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Where embeddings come from and how the gateway's HTTP client talks to them.
 *
 * @param upstreams the embedding providers the catalog's models point at
 * @param httpClient connection pool, timeouts and buffer size shared by all upstream
 * calls
 */
@Validated
@ConfigurationProperties("gateway")
public record UpstreamProperties(@DefaultValue @Valid @NotEmpty List<Upstream> upstreams,
		@DefaultValue @Valid HttpClient httpClient) {

	/**
	 * One embedding provider speaking the OpenAI/SiliconFlow embeddings API.
	 *
	 * @param id name the catalog's models refer to
	 * @param baseUrl base URL up to and including the version, e.g.
	 * {@code https://api.siliconflow.cn/v1}; the gateway POSTs to
	 * {@code baseUrl + "/embeddings"}
	 * @param apiKey key sent as {@code Authorization: Bearer}; empty sends none
	 * @param tenantKeys whether a tenant's own {@code upstream-api-key} replaces
	 * {@code api-key} here; turn off for upstreams that are not the tenants' provider (a
	 * self-hosted server must not receive their SiliconFlow keys)
	 */
	public record Upstream(@NotBlank String id, @NotNull URI baseUrl, @Nullable String apiKey,
			@DefaultValue("true") boolean tenantKeys) {

		// Named after the key it checks, so that a start-up failure names that key.
		@AssertTrue(message = "must be an absolute http or https URL, e.g. https://api.siliconflow.cn/v1")
		boolean isBaseUrl() {
			return this.baseUrl == null || (("http".equalsIgnoreCase(this.baseUrl.getScheme())
					|| "https".equalsIgnoreCase(this.baseUrl.getScheme())) && this.baseUrl.getHost() != null);
		}

		@Override
		public String toString() {
			return "Upstream[id=" + this.id + ", baseUrl=" + this.baseUrl + ", apiKey=" + ApiKey.of(this.apiKey) + "]";
		}

	}

	/**
	 * The HTTP client behind every upstream call.
	 *
	 * @param maxConnections connections kept per upstream host (Reactor Netty's default
	 * of 2 x cores caps a fan-out gateway's throughput)
	 * @param pendingAcquireTimeout how long a call may wait for a free connection
	 * @param connectTimeout time allowed to open a TCP/TLS connection
	 * @param responseTimeout longest pause between two reads of an answer (Reactor
	 * Netty's {@code responseTimeout}); {@code gateway.resilience.attempt-timeout} bounds
	 * the whole
	 * @param maxIdleTime idle connections older than this are closed, before a load
	 * balancer closes them under us
	 * @param maxResponseSize largest upstream answer buffered (32 x 4096 floats is about
	 * 1.3 MB of JSON)
	 */
	public record HttpClient(@DefaultValue("500") @Min(1) int maxConnections,
			@DefaultValue("10s") @DurationMin(millis = 1) Duration pendingAcquireTimeout,
			@DefaultValue("5s") @DurationMin(millis = 1) Duration connectTimeout,
			@DefaultValue("60s") @DurationMin(millis = 1) Duration responseTimeout,
			@DefaultValue("30s") @DurationMin(millis = 1) Duration maxIdleTime,
			@DefaultValue("64MB") @PositiveSize DataSize maxResponseSize) {
	}

}
