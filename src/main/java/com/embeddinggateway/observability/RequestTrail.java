package com.embeddinggateway.observability;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import io.micrometer.tracing.Span;
import org.jspecify.annotations.Nullable;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * What happened while one request was served, for its access log line: its request id,
 * its span, and the upstream calls, retries and spillovers made for it with the
 * upstream's own trace ids. It travels in the request's Reactor context, so a step that
 * works for the request on any thread finds it there; {@link LoggingContext} sets the
 * logging context from it on each of those threads.
 */
public final class RequestTrail {

	/** Its key in the Reactor context, and the logging context accessor's key. */
	static final String KEY = RequestTrail.class.getName();

	/**
	 * A 2048-input request to a model taking 32 inputs per call makes 64 calls; a few
	 * retries on top still fit.
	 */
	static final int MAX_UPSTREAM_TRACE_IDS = 100;

	/**
	 * The upstream's {@code x-siliconcloud-trace-id} is logged as it is only when it is a
	 * short token: the upstream, not the gateway, writes it.
	 */
	private static final Pattern SANE_TRACE_ID = Pattern.compile("[A-Za-z0-9._:/+=-]{1,128}");

	private final String requestId;

	private final Span span;

	private final AtomicInteger upstreamCalls = new AtomicInteger();

	private final AtomicInteger retries = new AtomicInteger();

	private final AtomicInteger spillovers = new AtomicInteger();

	private final AtomicBoolean ended = new AtomicBoolean();

	/** Guarded by itself: parts of a fan-out answer on different event loops. */
	private final List<String> upstreamTraceIds = new ArrayList<>();

	RequestTrail(String requestId, Span span) {
		this.requestId = requestId;
		this.span = span;
	}

	/** The trail of the request being served in {@code context}, if any. */
	public static @Nullable RequestTrail in(ContextView context) {
		return context.getOrDefault(KEY, null);
	}

	/** {@code context} with this trail in it, for everything the request runs. */
	public Context into(Context context) {
		return context.put(KEY, this);
	}

	public String requestId() {
		return this.requestId;
	}

	/** The W3C trace id, 32 hex digits; empty when tracing is switched off. */
	public String traceId() {
		return this.span.context().traceId();
	}

	String spanId() {
		return this.span.context().spanId();
	}

	Span span() {
		return this.span;
	}

	/** An upstream call was made for this request (retries and spillovers included). */
	public void upstreamCall() {
		this.upstreamCalls.incrementAndGet();
	}

	public void retry() {
		this.retries.incrementAndGet();
	}

	public void spillover() {
		this.spillovers.incrementAndGet();
	}

	/** An upstream's own trace id for one of the calls, as it answered it. */
	public void upstreamTraceId(String id) {
		String kept = sane(id);
		synchronized (this.upstreamTraceIds) {
			if (this.upstreamTraceIds.size() < MAX_UPSTREAM_TRACE_IDS) {
				this.upstreamTraceIds.add(kept);
			}
		}
	}

	static String sane(String upstreamTraceId) {
		return SANE_TRACE_ID.matcher(upstreamTraceId).matches() ? upstreamTraceId : "invalid";
	}

	public int upstreamCalls() {
		return this.upstreamCalls.get();
	}

	public int retries() {
		return this.retries.get();
	}

	public int spillovers() {
		return this.spillovers.get();
	}

	public List<String> upstreamTraceIds() {
		synchronized (this.upstreamTraceIds) {
			return List.copyOf(this.upstreamTraceIds);
		}
	}

	/**
	 * Ends the request's span, tagged with how it was answered; true the first time only,
	 * whichever of answer and departed caller comes first.
	 */
	public boolean end(int status, @Nullable String errorCode) {
		if (!this.ended.compareAndSet(false, true)) {
			return false;
		}
		this.span.tag("http.response.status_code", status);
		if (errorCode != null) {
			this.span.tag("error.type", errorCode);
		}
		this.span.end();
		return true;
	}

	/** Runs {@code action} with this request's ids in the logging context. */
	public void inLoggingContext(Runnable action) {
		LoggingContext.with(this, action);
	}

}
