/**
 * The client-facing HTTP API: the OpenAI-compatible {@code /v1/embeddings} endpoint, its
 * wire format in and out, request ids and timing headers, the bounds on the connections
 * it is served on, admission of whole requests against the memory budget
 * ({@link com.embeddinggateway.api.MemoryBudget}), and the one place that turns every
 * failure into OpenAI's error envelope.
 */
@NullMarked
package com.embeddinggateway.api;

import org.jspecify.annotations.NullMarked;
