package com.embeddinggateway.tenancy;

import java.util.Set;

import com.embeddinggateway.catalog.ModelSpec;
import com.embeddinggateway.upstream.ApiKey;
import org.jspecify.annotations.Nullable;

/**
 * A calling service, resolved from its key.
 *
 * @param id the tenant's name
 * @param allowedModels catalog names it may use, {@code null} for all
 * @param upstreamApiKey its own upstream key, or {@link ApiKey#none()} to use the
 * upstream's
 */
public record Tenant(String id, @Nullable Set<String> allowedModels, ApiKey upstreamApiKey) {

	public boolean mayUse(ModelSpec model) {
		return this.allowedModels == null || this.allowedModels.contains(model.name());
	}

}
