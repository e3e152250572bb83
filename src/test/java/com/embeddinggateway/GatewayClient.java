package com.embeddinggateway;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Calls a gateway started on a random port over real HTTP, as a service would. */
public final class GatewayClient {

	private final WebTestClient client;

	public GatewayClient(int port) {
		this.client = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + port)
			.responseTimeout(Duration.ofSeconds(60))
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(256 * 1024 * 1024))
			.build();
	}

	/**
	 * POSTs {@code body} to {@code path} with {@code key} as bearer (none if null) and
	 * extra headers given as name, value pairs.
	 */
	public EntityExchangeResult<byte[]> post(String path, @Nullable String key, String body, String... headers) {
		return this.client.post().uri(path).headers((http) -> {
			if (key != null) {
				http.setBearerAuth(key);
			}
			for (int i = 0; i < headers.length; i += 2) {
				http.set(headers[i], headers[i + 1]);
			}
		}).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectBody().returnResult();
	}

	/** A POST to {@code /v1/embeddings}. */
	public EntityExchangeResult<byte[]> embed(@Nullable String key, String body, String... headers) {
		return post("/v1/embeddings", key, body, headers);
	}

	public EntityExchangeResult<byte[]> get(String path, @Nullable String key) {
		return send(this.client.get(), path, key);
	}

	public EntityExchangeResult<byte[]> head(String path, @Nullable String key) {
		return send(this.client.head(), path, key);
	}

	private static EntityExchangeResult<byte[]> send(WebTestClient.RequestHeadersUriSpec<?> method, String path,
			@Nullable String key) {
		return method.uri(path).headers((http) -> {
			if (key != null) {
				http.setBearerAuth(key);
			}
		}).exchange().expectBody().returnResult();
	}

}
