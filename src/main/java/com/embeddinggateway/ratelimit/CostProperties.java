package com.embeddinggateway.ratelimit;

import jakarta.validation.constraints.NotBlank;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The currency of {@code gateway.models[].price-per-million-tokens}.
 *
 * @param currency the {@code currency} tag of {@code gateway_cost_total}; SiliconFlow's
 * China site bills in CNY, its international site in USD
 */
@Validated
@ConfigurationProperties("gateway")
public record CostProperties(@DefaultValue("CNY") @NotBlank String currency) {
}
