package com.embeddinggateway.catalog;

import java.util.List;

import jakarta.validation.Valid;
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
	 * @param upstream id from {@code gateway.upstreams} (default: {@code siliconflow})
	 * @param maxBatchSize most inputs per upstream call (default 32)
	 * @param maxInputTokens per-input token limit (default: unknown, not checked)
	 * @param dimensions native vector length (default: unknown)
	 * @param allowedDimensions accepted {@code dimensions} values (default: none, the
	 * parameter is refused)
	 * @param aliases other names callers may use
	 */
	public record Model(@NotBlank String name, @Nullable String upstream, @Nullable @Min(1) Integer maxBatchSize,
			@Nullable @Min(1) Integer maxInputTokens, @Nullable @Min(1) Integer dimensions,
			@Nullable List<Integer> allowedDimensions, @Nullable List<String> aliases) {

		ModelSpec over(@Nullable ModelSpec base) {
			return new ModelSpec(this.name,
					pick(this.upstream, (base != null) ? base.upstream() : BuiltInModels.UPSTREAM),
					pick(this.maxBatchSize, (base != null) ? base.maxBatchSize() : 32),
					pick(this.maxInputTokens, (base != null) ? base.maxInputTokens() : 0),
					pick(this.dimensions, (base != null) ? base.dimensions() : 0),
					pick(this.allowedDimensions, (base != null) ? base.allowedDimensions() : List.of()),
					pick(this.aliases, (base != null) ? base.aliases() : List.of()));
		}

		private static <T> T pick(@Nullable T value, T fallback) {
			return (value != null) ? value : fallback;
		}

	}

}
