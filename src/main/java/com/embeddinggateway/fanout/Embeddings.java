package com.embeddinggateway.fanout;

import java.util.List;

import com.embeddinggateway.upstream.VectorBatch;

/**
 * The vectors of a whole request: batches in input order, so vector {@code i} of the
 * request is the {@code i}-th vector across them.
 *
 * @param batches vectors in input order
 * @param promptTokens tokens of the whole input, as the caller's {@code usage}
 * @param upstreamTokens tokens really spent upstream for this request: what tenant
 * limits, budgets and cost count; fewer than {@code promptTokens} when some inputs were
 * answered by the cache or by another request's call
 * @param cacheHits inputs answered from the cache
 */
public record Embeddings(List<? extends VectorBatch> batches, long promptTokens, long upstreamTokens, int cacheHits) {

	/** Vectors all computed upstream for this request. */
	public Embeddings(List<? extends VectorBatch> batches, long promptTokens) {
		this(batches, promptTokens, promptTokens, 0);
	}

	public int size() {
		return this.batches.stream().mapToInt(VectorBatch::size).sum();
	}

}
