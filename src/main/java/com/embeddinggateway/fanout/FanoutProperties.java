package com.embeddinggateway.fanout;

import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How a request is split into upstream calls.
 *
 * @param maxParallelCalls upstream calls one request may have in flight at once
 */
@Validated
@ConfigurationProperties("gateway.fanout")
public record FanoutProperties(@DefaultValue("16") @Min(1) int maxParallelCalls) {
}
