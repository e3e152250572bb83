/**
 * Turns one request of up to 2048 inputs into upstream calls of at most the model's batch
 * size, runs them concurrently within a per-request bound, and puts the vectors back in
 * input order. A batch the upstream calls too large is split and resent.
 */
@NullMarked
package com.embeddinggateway.fanout;

import org.jspecify.annotations.NullMarked;
