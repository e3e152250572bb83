package com.embeddinggateway.api;

import java.util.concurrent.atomic.AtomicLong;

import com.embeddinggateway.catalog.ModelNotFoundException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

/**
 * Writes every failure, from any layer, as OpenAI's error envelope. Ordered before Spring
 * Boot's own error handler so callers never see its HTML or JSON format.
 */
@Component
@Order(-2)
class ErrorEnvelopeHandler implements WebExceptionHandler {

	private static final Log logger = LogFactory.getLog(ErrorEnvelopeHandler.class);

	private final JsonMapper json;

	private final ApiProperties properties;

	ErrorEnvelopeHandler(JsonMapper json, ApiProperties properties) {
		this.json = json;
		this.properties = properties;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
		ServerHttpResponse response = exchange.getResponse();
		if (response.isCommitted()) {
			return Mono.error(error);
		}
		ApiError apiError = ApiError.from(error, this.properties.defaultRetryAfter());
		if (apiError.status() == 404 && !(error instanceof ModelNotFoundException)) {
			apiError = apiError.withMessage("Unknown request URL: " + exchange.getRequest().getMethod() + " "
					+ exchange.getRequest().getPath().value() + ". This gateway serves POST /v1/embeddings.");
		}
		if (error instanceof MethodNotAllowedException notAllowed) {
			apiError = apiError.withMessage(exchange.getRequest().getMethod() + " is not allowed on "
					+ exchange.getRequest().getPath().value() + "; use "
					+ notAllowed.getSupportedMethods().stream().map(HttpMethod::name).sorted().toList() + ".");
		}
		RequestFacts facts = RequestFacts.of(exchange);
		if (facts != null) {
			facts.errorCode = (apiError.code() != null) ? apiError.code() : apiError.type();
		}
		String requestId = RequestIdFilter.requestId(exchange);
		if (apiError.status() >= 500 && apiError.status() != 502 && apiError.status() != 503
				&& apiError.status() != 504) {
			logger.error("request " + requestId + " failed", error);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("request " + requestId + " -> " + apiError.status() + ": " + apiError.message());
		}
		response.setStatusCode(HttpStatus.valueOf(apiError.status()));
		HttpHeaders headers = response.getHeaders();
		if (error instanceof ResponseStatusException status) {
			// Allow on a 405, for example.
			headers.addAll(status.getHeaders());
		}
		headers.setContentType(MediaType.APPLICATION_JSON);
		if (apiError.retryAfter() != null) {
			headers.set(HttpHeaders.RETRY_AFTER, Long.toString(ApiError.retryAfterSeconds(apiError.retryAfter())));
		}
		if (!apiError.shouldRetry()) {
			headers.set("x-should-retry", "false");
		}
		byte[] body = this.json.writeValueAsBytes(apiError.envelope());
		return dropUnreadBody(exchange)
			.then(Mono.defer(() -> response.writeWith(Mono.just(response.bufferFactory().wrap(body)))));
	}

	/**
	 * Reads and drops what is left of the request's body, up to {@code max-request-size},
	 * before the answer goes out. A refusal answered with the body unread (a wrong key,
	 * before parsing) once left the keep-alive connection's next request unread until the
	 * caller gave up. A body already read, or cancelled by its parser, fails to subscribe
	 * again: nothing is left to drop. A larger one is cancelled, which closes its
	 * connection.
	 */
	private Mono<Void> dropUnreadBody(ServerWebExchange exchange) {
		long limit = this.properties.maxRequestSize().toBytes();
		if (exchange.getRequest().getHeaders().getContentLength() > limit) {
			return Mono.empty();
		}
		AtomicLong dropped = new AtomicLong();
		return exchange.getRequest().getBody().map((buffer) -> {
			int size = buffer.readableByteCount();
			DataBufferUtils.release(buffer);
			return size;
		}).takeWhile((size) -> dropped.addAndGet(size) <= limit).then().onErrorResume((ignored) -> Mono.empty());
	}

}
