package com.embeddinggateway.local;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The in-process bge-small models.
 *
 * @param enabled serve BAAI/bge-small-zh-v1.5 and BAAI/bge-small-en-v1.5 from this
 * process (loads both ONNX models at start-up)
 * @param workers batches run at once, each on its own thread
 * @param intraOpThreads threads ONNX Runtime uses inside one batch; 1 with 2 workers was
 * fastest on 2 cores
 * @param queueCapacity batches that may wait for a worker; beyond that a call is refused
 * at once
 * @param retryAfter how long a refused caller is told to wait (at most 60 s, which
 * openai-node still honours)
 */
@Validated
@ConfigurationProperties("gateway.local")
public record LocalModelProperties(@DefaultValue("false") boolean enabled, @DefaultValue("2") @Min(1) int workers,
		@DefaultValue("1") @Min(1) int intraOpThreads, @DefaultValue("64") @Min(1) int queueCapacity,
		@DefaultValue("1s") @DurationMin(seconds = 1) @DurationMax(seconds = 60) Duration retryAfter) {
}
