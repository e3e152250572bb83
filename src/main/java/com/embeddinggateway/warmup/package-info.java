/**
 * Warm-up before readiness: synthetic embeddings requests through the gateway's own port,
 * handler, validation, fan-out, resilience, upstream client and response writer, answered
 * by an in-process stand-in for the upstream, until the JIT has compiled that path. No
 * configured upstream is called, and the warm-up's tenant, model and meters are gone when
 * it ends.
 */
@NullMarked
package com.embeddinggateway.warmup;

import org.jspecify.annotations.NullMarked;
