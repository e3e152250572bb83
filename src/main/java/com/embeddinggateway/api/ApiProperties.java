package com.embeddinggateway.api;

import java.time.Duration;

import com.embeddinggateway.config.PositiveSize;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The client-facing endpoint.
 *
 * @param maxRequestSize largest request body accepted; larger ones get 413
 * @param defaultRetryAfter {@code retry-after} sent with 429 and 503 when the upstream
 * named no wait of its own (capped at 60 s either way, as openai-node ignores larger
 * values)
 * @param requestReadTimeout longest a request's body may take to arrive; a slower one
 * gets 408 and its connection is closed
 */
@Validated
@ConfigurationProperties("gateway.api")
public record ApiProperties(@DefaultValue("16MB") @PositiveSize DataSize maxRequestSize,
		@DefaultValue("1s") @DurationMin(seconds = 1) Duration defaultRetryAfter,
		@DefaultValue("60s") @DurationMin(millis = 1) Duration requestReadTimeout) {
}
