package com.embeddinggateway.observability;

import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Spans for requests and upstream calls, with Micrometer Tracing on OpenTelemetry. A
 * request's span continues the caller's W3C {@code traceparent} when it sends one; each
 * upstream call gets a child span, whose context goes to the upstream in the call's own
 * {@code traceparent} ({@link UpstreamSpan}): the gateway's HTTP client is Reactor
 * Netty's own, which propagates nothing by itself. Whether a trace is recorded follows
 * the caller's sampling decision, else {@code management.tracing.sampling.probability};
 * the trace id is propagated and logged either way.
 */
@Component
public class RequestTracing {

	/** For tests and wiring without tracing: ids are empty, nothing is recorded. */
	public static final RequestTracing NOOP = new RequestTracing(Tracer.NOOP, Propagator.NOOP);

	/** version-traceid-parentid-flags, lowercase hex (www.w3.org/TR/trace-context). */
	private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

	private final Tracer tracer;

	private final Propagator propagator;

	public RequestTracing(Tracer tracer, Propagator propagator) {
		this.tracer = tracer;
		this.propagator = propagator;
		LoggingContext.register();
	}

	/**
	 * Starts the span of a request whose headers {@code headers} gives by name, and the
	 * trail that carries it.
	 */
	public RequestTrail start(String requestId, String name, UnaryOperator<@Nullable String> headers) {
		Span span = this.propagator.extract(headers, (carrier, key) -> carrier.apply(key))
			.name(name)
			.kind(Span.Kind.SERVER)
			.tag("gateway.request_id", requestId)
			.start();
		return new RequestTrail(requestId, span);
	}

	/**
	 * The caller's {@code traceparent} as it sent it, for the access log, when it is one;
	 * null otherwise.
	 */
	public static @Nullable String traceparent(@Nullable String header) {
		return (header != null && TRACEPARENT.matcher(header).matches()) ? header : null;
	}

	/**
	 * Starts the span of one call to {@code upstream}, a child of the request's span when
	 * {@code trail} is known, with the GenAI semantic conventions' attributes.
	 */
	public UpstreamSpan upstreamCall(@Nullable RequestTrail trail, String upstream, String model, int inputs) {
		Span.Builder builder = this.tracer.spanBuilder();
		if (trail != null) {
			builder.setParent(trail.span().context());
		}
		Span span = builder.name("embeddings " + model)
			.kind(Span.Kind.CLIENT)
			.remoteServiceName(upstream)
			.tag("gen_ai.operation.name", "embeddings")
			.tag("gen_ai.system", upstream)
			.tag("gen_ai.request.model", model)
			.tag("gateway.inputs", inputs)
			.start();
		return new UpstreamSpan(span, this.propagator);
	}

}
