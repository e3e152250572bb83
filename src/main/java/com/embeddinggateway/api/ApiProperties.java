package com.embeddinggateway.api;

import java.time.Duration;

import com.embeddinggateway.config.PositiveSize;
import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The client-facing endpoint and the connections it is served on.
 *
 * @param maxRequestSize largest request body accepted; larger ones get 413
 * @param defaultRetryAfter {@code retry-after} sent with 429 and 503 when the upstream
 * named no wait of its own (capped at 60 s either way, as openai-node ignores larger
 * values)
 * @param requestReadTimeout longest a request's body may take to arrive; a slower one
 * gets 408 and its connection is closed
 * @param writeTimeout longest a caller may go without taking any byte of its answer; its
 * connection is then closed and what its request held is given back
 * @param idleTimeout longest a connection may stay open with no request on it
 * @param maxConnections connections open at once; further ones are closed as soon as they
 * are accepted
 * @param maxHeaderSize largest total size of a request's headers; larger ones get 431
 * @param maxInitialLineLength longest request line (method, path, version); longer ones
 * get 414
 * @param maxHeaders most header lines a request may have; more get 431
 */
@Validated
@ConfigurationProperties("gateway.api")
public record ApiProperties(@DefaultValue("16MB") @PositiveSize DataSize maxRequestSize,
		@DefaultValue("1s") @DurationMin(seconds = 1) Duration defaultRetryAfter,
		@DefaultValue("60s") @DurationMin(millis = 1) Duration requestReadTimeout,
		@DefaultValue("30s") @DurationMin(millis = 1) Duration writeTimeout,
		@DefaultValue("75s") @DurationMin(millis = 1) Duration idleTimeout,
		@DefaultValue("10000") @Min(1) int maxConnections, @DefaultValue("8KB") @PositiveSize DataSize maxHeaderSize,
		@DefaultValue("4KB") @PositiveSize DataSize maxInitialLineLength, @DefaultValue("100") @Min(1) int maxHeaders) {
}
