package com.embeddinggateway.api;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import com.embeddinggateway.metrics.GatewayMetrics;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Gives every exchange a request id, echoed in {@code x-request-id} (the caller's own
 * when it is a sane token, else a new one), and reports the time spent in
 * {@code openai-processing-ms}, as OpenAI does; an embeddings request's metrics are
 * recorded at the same moment, when its status is known. When the exchange ends, however
 * it ends (answer written, error, caller gone), the memory its request held is given
 * back.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestIdFilter implements WebFilter {

	static final String HEADER = "x-request-id";

	private static final String ATTRIBUTE = RequestIdFilter.class.getName() + ".id";

	/** Printable, short and safe to log: no spaces, quotes or control characters. */
	private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:/+=@-]{1,128}");

	private final GatewayMetrics metrics;

	RequestIdFilter(GatewayMetrics metrics) {
		this.metrics = metrics;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		long start = System.nanoTime();
		String incoming = exchange.getRequest().getHeaders().getFirst(HEADER);
		String id = (incoming != null && SANE.matcher(incoming).matches()) ? incoming : newId();
		exchange.getAttributes().put(ATTRIBUTE, id);
		HttpHeaders headers = exchange.getResponse().getHeaders();
		headers.set(HEADER, id);
		exchange.getResponse().beforeCommit(() -> {
			long elapsed = System.nanoTime() - start;
			headers.set("openai-processing-ms", Long.toString(elapsed / 1_000_000));
			RequestFacts facts = RequestFacts.of(exchange);
			HttpStatusCode status = exchange.getResponse().getStatusCode();
			if (facts != null) {
				this.metrics.request(facts.tenant, facts.model, (status != null) ? status.value() : 200, elapsed,
						facts.inputs, facts.tokens);
			}
			return Mono.empty();
		});
		return chain.filter(exchange).doFinally((signal) -> {
			RequestFacts facts = RequestFacts.of(exchange);
			if (facts != null) {
				facts.memory.close();
			}
		});
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
