package com.embeddinggateway.cache;

/**
 * What a cached vector is a pure function of: the catalog model (not the deployment that
 * served it, nor the alias the caller used), the requested {@code dimensions} (0 when
 * none), and the exact text, by its SHA-256; with a per-tenant scope, the tenant.
 *
 * @param scope the tenant id, or empty when the cache is shared
 * @param model the catalog name
 * @param dimensions the requested {@code dimensions}, 0 when none was
 * @param sha256 the text's UTF-8 bytes' SHA-256, lowercase hex
 */
record ItemKey(String scope, String model, int dimensions, String sha256) {

	/** Bytes this key holds in memory, for the cache's weigher; the model is shared. */
	int weight() {
		return 64 + this.sha256.length() + this.scope.length();
	}

}
