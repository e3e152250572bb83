package com.embeddinggateway.api;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import reactor.core.publisher.Mono;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Bounds on the connections the API is served on ({@code gateway.api.*}), so that what a
 * caller holds open, sends or leaves unread cannot take the gateway's memory or sockets
 * from the others:
 * <ul>
 * <li>a request's body must arrive within {@code request-read-timeout} (408);</li>
 * <li>a caller that takes no byte of its answer for {@code write-timeout} is cut off, and
 * what its request held in the memory budget comes back;</li>
 * <li>a connection with no request on it is closed after {@code idle-timeout};</li>
 * <li>request line and headers are bounded in size (414, 431) and, by
 * {@link HeaderCountLimit}, in number (431);</li>
 * <li>at most {@code max-connections} are open at once; further ones are closed as soon
 * as they are accepted, before any byte is read from them.</li>
 * </ul>
 * Applied after Spring Boot's own customizer, which would otherwise replace the request
 * decoder's limits with {@code server.max-http-request-header-size}.
 */
@Component
class ConnectionLimits implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory>, Ordered {

	private final ApiProperties properties;

	private final JsonMapper json;

	ConnectionLimits(ApiProperties properties, JsonMapper json) {
		this.properties = properties;
		this.json = json;
	}

	@Override
	public void customize(NettyReactiveWebServerFactory factory) {
		factory.addServerCustomizers(this::apply);
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	private HttpServer apply(HttpServer server) {
		ApiProperties limits = this.properties;
		HeadRefusals refusals = new HeadRefusals(Map.of(414, body(ApiError.requestLineTooLong()), 431,
				body(ApiError.headersTooLarge("The request's headers are larger than this gateway accepts "
						+ "(gateway.api.max-header-size)."))));
		return server.requestTimeout(limits.requestReadTimeout())
			.idleTimeout(limits.idleTimeout())
			.maxConnections(limits.maxConnections())
			.httpRequestDecoder((decoder) -> decoder.maxHeaderSize(toInt(limits.maxHeaderSize().toBytes()))
				.maxInitialLineLength(toInt(limits.maxInitialLineLength().toBytes())))
			.doOnChannelInit((observer, channel, remoteAddress) -> channel.pipeline()
				.addBefore(NettyPipeline.ReactiveBridge, "gateway.stalledAnswerCutoff",
						new StalledAnswerCutoff(limits.writeTimeout().toNanos()))
				.addBefore(NettyPipeline.ReactiveBridge, "gateway.headRefusals", refusals));
	}

	private byte[] body(ApiError error) {
		return this.json.writeValueAsBytes(error.envelope());
	}

	private static int toInt(long bytes) {
		return (int) Math.min(Integer.MAX_VALUE, bytes);
	}

	/**
	 * Closes a connection whose answer has stopped moving for {@code write-timeout}.
	 * <p>
	 * Netty's {@code WriteTimeoutHandler} would time each write operation, and an answer
	 * of up to 16 MB is a single write (one composite buffer): a caller reading it
	 * steadily at less than 16 MB per timeout would be cut off as if it had stalled. An
	 * {@link IdleStateHandler} that observes output counts any byte leaving the channel's
	 * outbound buffer as progress, however large the write. It checks once per
	 * {@code write-timeout}: the first check after a completed write only notes where the
	 * answer stands (a first event), each later one compares with the one before, so a
	 * caller is cut off after taking nothing for between one and two timeouts. Idleness
	 * with nothing waiting to be sent (a request still being served, a keep-alive
	 * connection between requests) is not a stalled reader and is left to the deadline
	 * and {@code idle-timeout}.
	 */
	static final class StalledAnswerCutoff extends IdleStateHandler {

		StalledAnswerCutoff(long writeTimeoutNanos) {
			super(true, 0, writeTimeoutNanos, 0, TimeUnit.NANOSECONDS);
		}

		@Override
		protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
			if (event.state() == IdleState.WRITER_IDLE && !event.isFirst() && answerWaiting(ctx)) {
				ctx.close();
			}
		}

		private static boolean answerWaiting(ChannelHandlerContext ctx) {
			ChannelOutboundBuffer outbound = ctx.channel().unsafe().outboundBuffer();
			return outbound != null && outbound.totalPendingWriteBytes() > 0;
		}

	}

	/**
	 * Puts OpenAI's error envelope into the 414 and 431 that Reactor Netty answers, with
	 * an empty body, when a request line or headers are too long to decode
	 * ({@code HttpServerOperations.sendDecodingFailures}): those requests never reach
	 * Spring, so {@link ErrorEnvelopeHandler} cannot answer them.
	 */
	@ChannelHandler.Sharable
	static final class HeadRefusals extends ChannelOutboundHandlerAdapter {

		private final Map<Integer, byte[]> bodies;

		HeadRefusals(Map<Integer, byte[]> bodies) {
			this.bodies = bodies;
		}

		@Override
		public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
			if (msg instanceof FullHttpResponse response && !response.content().isReadable()) {
				byte[] body = this.bodies.get(response.status().code());
				if (body != null) {
					FullHttpResponse withBody = response.replace(Unpooled.wrappedBuffer(body));
					response.release();
					withBody.headers()
						.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
						.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
						.set("x-should-retry", "false");
					ctx.write(withBody, promise);
					return;
				}
			}
			ctx.write(msg, promise);
		}

	}

	/**
	 * Refuses a request with more than {@code max-headers} header lines with 431, in the
	 * envelope. Netty bounds their total size but not their number. Runs right after
	 * {@link RequestIdFilter}, so the refusal carries its request id.
	 */
	@Component
	@Order(Ordered.HIGHEST_PRECEDENCE + 1)
	static final class HeaderCountLimit implements WebFilter {

		private final int maxHeaders;

		HeaderCountLimit(ApiProperties properties) {
			this.maxHeaders = properties.maxHeaders();
		}

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
			int count = exchange.getRequest()
				.getHeaders()
				.headerSet()
				.stream()
				.mapToInt((header) -> header.getValue().size())
				.sum();
			if (count > this.maxHeaders) {
				return Mono.error(new TooManyHeadersException(count, this.maxHeaders));
			}
			return chain.filter(exchange);
		}

	}

}
