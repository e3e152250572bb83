package com.embeddinggateway.observability;

import java.util.function.BiConsumer;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.propagation.Propagator;
import org.jspecify.annotations.Nullable;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The span of one upstream call. It rides in the call's Reactor context from where the
 * call is decided (the resilience layer, which knows its outcome) to where its request is
 * written (the HTTP client, which sends its context as {@code traceparent}).
 */
public final class UpstreamSpan {

	private static final String KEY = UpstreamSpan.class.getName();

	private final Span span;

	private final Propagator propagator;

	UpstreamSpan(Span span, Propagator propagator) {
		this.span = span;
		this.propagator = propagator;
	}

	/** The span of the upstream call being made in {@code context}, if any. */
	public static @Nullable UpstreamSpan in(ContextView context) {
		return context.getOrDefault(KEY, null);
	}

	public Context into(Context context) {
		return context.put(KEY, this);
	}

	/** Hands each header that carries this span's context to {@code header}. */
	public void propagate(BiConsumer<String, String> header) {
		this.propagator.inject(this.span.context(), header, BiConsumer::accept);
	}

	/** The upstream's own trace id for this call. */
	public void upstreamTraceId(String id) {
		this.span.tag("gateway.upstream_trace_id", RequestTrail.sane(id));
	}

	/** Ends the span; {@code outcome} is {@code success} or a failure kind. */
	public void end(String outcome, long promptTokens) {
		this.span.tag("gateway.outcome", outcome);
		if (promptTokens > 0) {
			this.span.tag("gen_ai.usage.input_tokens", promptTokens);
		}
		if (!"success".equals(outcome)) {
			this.span.tag("error.type", outcome);
		}
		this.span.end();
	}

}
