/**
 * Talks to embedding providers over HTTP (SiliconFlow and any OpenAI-compatible server):
 * the Reactor Netty client and its connection pool, the wire format of one upstream call,
 * the tolerant parsing of its answers, and the classification of every failure where it
 * enters ({@link com.embeddinggateway.upstream.UpstreamFailure}).
 */
@NullMarked
package com.embeddinggateway.upstream;

import org.jspecify.annotations.NullMarked;
