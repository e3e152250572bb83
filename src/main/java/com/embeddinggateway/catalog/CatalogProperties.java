package com.embeddinggateway.catalog;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Model catalog entries. The eight SiliconFlow models are built in; an entry with the
 * name of a built-in model overrides only the fields it sets, any other name adds a
 * model.
 *
 * @param models additions and overrides
 */
@Validated
@ConfigurationProperties("gateway")
public record CatalogProperties(@DefaultValue @Valid List<Model> models) {

	/**
	 * One catalog entry; unset fields keep the built-in value or the default.
	 *
	 * @param name model name, also used at the upstream
	 * @param upstream id from {@code gateway.upstreams} (default: {@code siliconflow});
	 * the model is served there under its own name
	 * @param deployments instead of {@code upstream}: several places serving the same
	 * model, tried in order when one is rate-limited or down
	 * @param maxBatchSize most inputs per upstream call (default 32)
	 * @param maxInputTokens per-input token limit (default: unknown, not checked)
	 * @param dimensions native vector length (default: unknown)
	 * @param allowedDimensions accepted {@code dimensions} values (default: none, the
	 * parameter is refused)
	 * @param aliases other names callers may use
	 * @param pricePerMillionTokens what a million prompt tokens cost, in
	 * {@code gateway.currency}, for the cost metric (default 0)
	 */
	public record Model(@NotBlank String name, @Nullable String upstream,
			@Nullable @Valid List<DeploymentEntry> deployments, @Nullable @Min(1) Integer maxBatchSize,
			@Nullable @Min(1) Integer maxInputTokens, @Nullable @Min(1) Integer dimensions,
			@Nullable List<@Min(1) Integer> allowedDimensions, @Nullable List<@NotBlank String> aliases,
			@Nullable @DecimalMin("0.0") Double pricePerMillionTokens) {

		ModelSpec over(@Nullable ModelSpec base) {
			return new ModelSpec(this.name, deployments(base),
					pick(this.maxBatchSize, (base != null) ? base.maxBatchSize() : 32),
					pick(this.maxInputTokens, (base != null) ? base.maxInputTokens() : 0),
					pick(this.dimensions, (base != null) ? base.dimensions() : 0),
					pick(this.allowedDimensions, (base != null) ? base.allowedDimensions() : List.of()),
					pick(this.aliases, (base != null) ? base.aliases() : List.of()));
		}

		private List<Deployment> deployments(@Nullable ModelSpec base) {
			if (this.deployments != null && !this.deployments.isEmpty()) {
				return this.deployments.stream().map((entry) -> entry.deployment(this.name)).toList();
			}
			if (this.upstream != null) {
				return List.of(new Deployment(this.upstream, this.name));
			}
			return (base != null) ? base.deployments() : List.of(new Deployment(BuiltInModels.UPSTREAM, this.name));
		}

		private static <T> T pick(@Nullable T value, T fallback) {
			return (value != null) ? value : fallback;
		}

	}

	/**
	 * One place serving a model.
	 *
	 * @param upstream id from {@code gateway.upstreams}
	 * @param model the model's name at that upstream (default: the catalog name)
	 * @param limits the upstream account's budget for this model, per upstream key,
	 * shared by all replicas (default: none, only 429s pace the calls)
	 */
	public record DeploymentEntry(@NotBlank String upstream, @Nullable String model,
			@Nullable @Valid AccountLimits limits) {

		/** The deployment this entry declares for catalog model {@code name}. */
		public Deployment deployment(String name) {
			return new Deployment(this.upstream, (this.model != null) ? this.model : name);
		}

	}

	/**
	 * An upstream account's budget for one model (SiliconFlow applies RPM and TPM per
	 * account and model, whatever key or replica sends the call).
	 *
	 * @param requestsPerMinute calls allowed per minute
	 * @param tokensPerMinute prompt tokens allowed per minute
	 */
	public record AccountLimits(@Nullable @Min(1) Integer requestsPerMinute, @Nullable @Min(1) Long tokensPerMinute) {
	}

}
