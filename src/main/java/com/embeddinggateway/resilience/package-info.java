/**
 * Keeps one upstream call alive through an upstream's bad minute without making it worse:
 * retries with backoff and a retry budget, a deadline per request, a circuit breaker per
 * deployment, adaptive concurrency towards rate-limited accounts, and spillover to
 * another deployment of the same model. All of it is composed in
 * {@link com.embeddinggateway.resilience.ResilientUpstream}.
 */
@NullMarked
package com.embeddinggateway.resilience;

import org.jspecify.annotations.NullMarked;
