/**
 * Tenant quotas and upstream account budgets: admits a request against its tenant's
 * requests and tokens per minute and its day and month token budgets before any upstream
 * call, books what the upstream says it spent, and paces each upstream call to the
 * account budget of its (upstream key, deployment), sharing 429 cooldowns. State lives in
 * Redis when {@code spring.data.redis.host} or {@code .url} is set, else in memory.
 */
@NullMarked
package com.embeddinggateway.ratelimit;

import org.jspecify.annotations.NullMarked;
