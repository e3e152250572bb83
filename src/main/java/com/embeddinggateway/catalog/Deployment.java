package com.embeddinggateway.catalog;

/**
 * Where a catalog model is served: an upstream and the model's name there. A model with
 * several deployments (e.g. {@code BAAI/bge-m3} and {@code Pro/BAAI/bge-m3}, the same
 * weights on SiliconFlow's free and paid tiers) may have a call spill over from one to
 * the next; only deployments declared for the same catalog model are candidates, so
 * vectors of different models are never mixed.
 *
 * @param upstream id of the upstream in {@code gateway.upstreams}
 * @param model the model's name at that upstream
 */
public record Deployment(String upstream, String model) {
}
