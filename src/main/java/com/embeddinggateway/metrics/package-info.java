/**
 * What the gateway reports to Prometheus: requests, inputs and tokens per tenant and
 * model, upstream calls, retries, spillovers and pacing per deployment, and the upstream
 * calls again under OpenTelemetry's GenAI semantic conventions
 * ({@code gen_ai.client.operation.duration}, {@code gen_ai.client.token.usage}). Every
 * tag comes from configuration (tenant ids, catalog names, upstream ids) or a fixed set
 * of outcomes, never from what a caller sends, so the number of series stays bounded.
 */
@NullMarked
package com.embeddinggateway.metrics;

import org.jspecify.annotations.NullMarked;
