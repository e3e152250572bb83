package com.embeddinggateway.shedding;

import com.embeddinggateway.metrics.GatewayMetrics;
import io.micrometer.core.instrument.Counter;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Admits an embeddings request ({@code POST /v1/embeddings} or {@code /embeddings}) only
 * while the requests in flight are under the {@link ConcurrencyLimit}; one over it fails
 * at once with {@link GatewayOverloadedException} (503 with {@code retry-after}), its
 * body dropped as it arrives and never parsed, so the requests admitted keep their
 * latency. A request holds its place until its answer is written, or it fails, or its
 * caller goes away. Model lists, probes and the actuator are never refused.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class LoadShedding implements WebFilter, DisposableBean {

	private final boolean enabled;

	private final ConcurrencyLimit limit;

	private final EventLoopDelay probes;

	private final Counter shed;

	LoadShedding(SheddingProperties properties, ReactorResourceFactory resources, GatewayMetrics metrics) {
		this.enabled = properties.enabled();
		this.limit = new ConcurrencyLimit(properties, System::nanoTime);
		this.probes = new EventLoopDelay(resources.getLoopResources(), properties.probeInterval().toNanos(),
				this.limit::loopDelay);
		this.shed = metrics.shedding(this.limit::limit, this.limit::inFlight);
		if (this.enabled) {
			this.probes.start();
		}
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!this.enabled || !isEmbeddings(exchange)) {
			return chain.filter(exchange);
		}
		if (!this.limit.tryAcquire()) {
			this.shed.increment();
			// The body is read and dropped, never parsed. Answered with its body unread,
			// the connection is closed, and Reactor Netty (1.3.6) keeps the request's
			// read-timeout task, and through it the connection's objects, until that
			// timeout fires: at thousands of refusals a second that filled a 256 MB heap.
			return exchange.getRequest()
				.getBody()
				.doOnNext(DataBufferUtils::release)
				.then(Mono.error(GatewayOverloadedException::new));
		}
		return chain.filter(exchange).doFinally((signal) -> this.limit.release());
	}

	private static boolean isEmbeddings(ServerWebExchange exchange) {
		String path = exchange.getRequest().getPath().pathWithinApplication().value();
		return exchange.getRequest().getMethod() == HttpMethod.POST
				&& (path.equals("/v1/embeddings") || path.equals("/embeddings"));
	}

	@Override
	public void destroy() {
		this.probes.stop();
	}

}
