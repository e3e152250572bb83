package com.embeddinggateway.tenancy;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The services allowed to call the gateway. With none configured every request is refused
 * with 401.
 *
 * @param tenants one entry per calling service
 */
@Validated
@ConfigurationProperties("gateway")
public record TenancyProperties(@DefaultValue @Valid List<Tenant> tenants) {

	/**
	 * One calling service.
	 *
	 * @param id name used in logs and metrics
	 * @param apiKeySha256 lowercase hex SHA-256 digests of the keys this tenant presents
	 * (several allow rotation)
	 * @param models catalog names or aliases this tenant may use; absent means all
	 * @param upstreamApiKey upstream key used for this tenant's calls; absent or empty
	 * means the upstream's own {@code api-key}
	 * @param limits this tenant's request and token budgets
	 */
	public record Tenant(@NotBlank String id, @DefaultValue List<String> apiKeySha256, @Nullable List<String> models,
			@Nullable String upstreamApiKey, @Nullable @Valid Limits limits) {

		@Override
		public String toString() {
			return "Tenant[id=" + this.id + ", models=" + this.models + "]";
		}

	}

	/**
	 * A tenant's budgets: accepted, not yet enforced.
	 *
	 * @param requestsPerMinute requests allowed per minute
	 * @param tokensPerMinute prompt tokens allowed per minute
	 * @param tokensPerDay prompt tokens allowed per day, a hard stop until the day ends
	 * @param tokensPerMonth prompt tokens allowed per month, a hard stop until the month
	 * ends
	 */
	public record Limits(@Nullable @Min(1) Integer requestsPerMinute, @Nullable @Min(1) Long tokensPerMinute,
			@Nullable @Min(1) Long tokensPerDay, @Nullable @Min(1) Long tokensPerMonth) {
	}

}
