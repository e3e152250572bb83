package com.embeddinggateway.api;

import java.util.List;
import java.util.Map;

import com.embeddinggateway.catalog.ModelCatalog;
import com.embeddinggateway.tenancy.Tenant;
import com.embeddinggateway.tenancy.TenantDirectory;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * {@code GET /v1/models}: OpenAI's model list, limited to what the caller's tenant may
 * use.
 */
@Component
class ModelList {

	private final TenantDirectory tenants;

	private final ModelCatalog catalog;

	ModelList(TenantDirectory tenants, ModelCatalog catalog) {
		this.tenants = tenants;
		this.catalog = catalog;
	}

	Mono<ServerResponse> list(ServerRequest request) {
		return Mono.defer(() -> {
			Tenant tenant = this.tenants.authenticate(request.headers().firstHeader(HttpHeaders.AUTHORIZATION));
			List<Map<String, Object>> data = this.catalog.all()
				.stream()
				.filter(tenant::mayUse)
				.map((model) -> Map.<String, Object>of("id", model.name(), "object", "model", "created", 0, "owned_by",
						model.primary().upstream()))
				.toList();
			return ServerResponse.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("object", "list", "data", data));
		});
	}

}
