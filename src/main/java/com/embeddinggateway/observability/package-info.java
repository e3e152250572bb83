/**
 * What the gateway tells the people who run it about each request, besides its meters:
 * the {@link com.embeddinggateway.observability.RequestTrail} that follows a request
 * through its Reactor context (request id, trace, upstream calls, retries, spillovers,
 * the upstream's trace ids), the logging context set from it on every thread, and the
 * spans, for the request and for each upstream call, whose W3C {@code traceparent} goes
 * to the upstream.
 */
@NullMarked
package com.embeddinggateway.observability;

import org.jspecify.annotations.NullMarked;
