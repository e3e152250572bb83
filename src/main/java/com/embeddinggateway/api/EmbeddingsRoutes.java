package com.embeddinggateway.api;

import java.util.Set;

import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.MethodNotAllowedException;

/**
 * The API's paths: {@code POST /v1/embeddings} (also {@code /embeddings}) and
 * {@code GET /v1/models}; another method on one of them is a 405.
 */
@Configuration(proxyBeanMethods = false)
class EmbeddingsRoutes {

	@Bean
	RouterFunction<ServerResponse> apiRoutes(EmbeddingsHandler embeddings, ModelList models) {
		return RouterFunctions.route()
			.POST("/v1/embeddings", embeddings::embed)
			.POST("/embeddings", embeddings::embed)
			.GET("/v1/models", models::list)
			.HEAD("/v1/models", models::list)
			.route(RequestPredicates.path("/v1/embeddings").or(RequestPredicates.path("/embeddings")),
					(request) -> notAllowed(request, HttpMethod.POST))
			.route(RequestPredicates.path("/v1/models"),
					(request) -> notAllowed(request, HttpMethod.GET, HttpMethod.HEAD))
			.build();
	}

	/**
	 * A known path called with another method: 405, with the method to use in
	 * {@code Allow}.
	 */
	private static Mono<ServerResponse> notAllowed(ServerRequest request, HttpMethod... allowed) {
		return Mono.error(new MethodNotAllowedException(request.method(), Set.of(allowed)));
	}

}
