package com.embeddinggateway.api;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import com.embeddinggateway.metrics.GatewayMetrics;
import com.embeddinggateway.observability.RequestTrail;
import com.embeddinggateway.observability.RequestTracing;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Gives every exchange a request id, echoed in {@code x-request-id} (the caller's own
 * when it is a sane token, else a new one), and reports the time spent in
 * {@code openai-processing-ms}, as OpenAI does. An API request also gets a span,
 * continuing the caller's {@code traceparent}, and a {@link RequestTrail} in its Reactor
 * context, which puts its ids in the logging context of every thread that works for it.
 * An embeddings request's metrics and access log line are recorded when its response
 * commits, when its status is known; a caller that leaves before gets its line then, with
 * status 499. When the exchange ends, however it ends (answer written, error, caller
 * gone), the memory its request held is given back.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestIdFilter implements WebFilter {

	static final String HEADER = "x-request-id";

	/** What nginx logs for a caller that closed its connection before the answer. */
	static final int CALLER_LEFT = 499;

	private static final String ATTRIBUTE = RequestIdFilter.class.getName() + ".id";

	/** Printable, short and safe to log: no spaces, quotes or control characters. */
	private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:/+=@-]{1,128}");

	private final GatewayMetrics metrics;

	private final RequestTracing tracing;

	RequestIdFilter(GatewayMetrics metrics, RequestTracing tracing) {
		this.metrics = metrics;
		this.tracing = tracing;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		long start = System.nanoTime();
		ServerHttpRequest request = exchange.getRequest();
		String incoming = request.getHeaders().getFirst(HEADER);
		String id = (incoming != null && SANE.matcher(incoming).matches()) ? incoming : newId();
		exchange.getAttributes().put(ATTRIBUTE, id);
		HttpHeaders headers = exchange.getResponse().getHeaders();
		headers.set(HEADER, id);
		String route = route(request);
		RequestTrail trail = (route != null) ? this.tracing.start(id, request.getMethod().name() + " " + route,
				(name) -> request.getHeaders().getFirst(name)) : null;
		exchange.getResponse().beforeCommit(() -> {
			long elapsed = System.nanoTime() - start;
			headers.set("openai-processing-ms", Long.toString(elapsed / 1_000_000));
			HttpStatusCode status = exchange.getResponse().getStatusCode();
			answered(exchange, trail, (status != null) ? status.value() : 200, elapsed);
			return Mono.empty();
		});
		Mono<Void> served = chain.filter(exchange).doFinally((signal) -> {
			RequestFacts facts = RequestFacts.of(exchange);
			if (signal == SignalType.CANCEL && !exchange.getResponse().isCommitted()) {
				answered(exchange, trail, CALLER_LEFT, System.nanoTime() - start);
			}
			if (facts != null) {
				facts.memory.close();
			}
		});
		return (trail != null) ? served.contextWrite(trail::into) : served;
	}

	private void answered(ServerWebExchange exchange, @Nullable RequestTrail trail, int status, long nanos) {
		RequestFacts facts = RequestFacts.of(exchange);
		if (facts != null && status != CALLER_LEFT) {
			this.metrics.request(facts.tenant, facts.model, status, nanos, facts.inputs, facts.tokens);
		}
		String errorCode = (facts != null) ? facts.errorCode : null;
		if (trail != null && trail.end(status, (status == CALLER_LEFT) ? "caller_left" : errorCode) && facts != null) {
			if (status == CALLER_LEFT && facts.errorCode == null) {
				facts.errorCode = "caller_left";
			}
			AccessLog.served(trail, facts, status, nanos,
					RequestTracing.traceparent(exchange.getRequest().getHeaders().getFirst("traceparent")));
		}
	}

	/**
	 * The route an API request takes, as a span name that callers cannot vary; null for
	 * the actuator, probes and unknown paths, which get no span.
	 */
	private static @Nullable String route(ServerHttpRequest request) {
		String path = request.getPath().pathWithinApplication().value();
		return switch (path) {
			case "/v1/embeddings", "/embeddings", "/v1/models" -> path;
			default -> null;
		};
	}

	static String requestId(ServerWebExchange exchange) {
		String id = exchange.getAttribute(ATTRIBUTE);
		return (id != null) ? id : "-";
	}

	/** Unique, not secret: no need for SecureRandom on every request. */
	private static String newId() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		return "req_" + new UUID(random.nextLong(), random.nextLong()).toString().replace("-", "");
	}

}
