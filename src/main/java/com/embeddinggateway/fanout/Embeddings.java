package com.embeddinggateway.fanout;

import java.util.List;

import com.embeddinggateway.upstream.UpstreamBatch;

/**
 * The vectors of a whole request: the upstream batches in input order, so vector
 * {@code i} of the request is the {@code i}-th vector across them.
 *
 * @param batches upstream answers in input order
 * @param promptTokens tokens counted by the upstream over all batches
 */
public record Embeddings(List<UpstreamBatch> batches, long promptTokens) {

	public int size() {
		return this.batches.stream().mapToInt(UpstreamBatch::size).sum();
	}

}
