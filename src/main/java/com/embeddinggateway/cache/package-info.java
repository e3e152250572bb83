/**
 * Pays once per text: between the catalog and the fan-out, answers each input from a
 * per-item cache of vectors (in memory, shared through Redis when it is configured),
 * sends identical texts of one request upstream once, and lets concurrent requests that
 * miss on the same text share one upstream call. Hits never reach the fan-out.
 */
@NullMarked
package com.embeddinggateway.cache;

import org.jspecify.annotations.NullMarked;
