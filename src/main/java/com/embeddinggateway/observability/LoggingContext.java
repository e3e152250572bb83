package com.embeddinggateway.observability;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Puts the request id and trace id of the request a thread is working for into the
 * logging context (MDC: {@code requestId}, {@code traceId}, {@code spanId}), so every
 * line logged while serving it carries them, whatever thread logs it. Reactor's automatic
 * context propagation ({@code spring.reactor.context-propagation: auto}) calls it with
 * the {@link RequestTrail} of the Reactor context each time an operator runs on a thread,
 * and restores what was there before when it is done.
 */
final class LoggingContext implements ThreadLocalAccessor<RequestTrail> {

	static final String REQUEST_ID = "requestId";

	static final String TRACE_ID = "traceId";

	static final String SPAN_ID = "spanId";

	/**
	 * The last trail set on each thread. MDC holds only strings; this gives
	 * {@link #getValue()} the trail back.
	 */
	private static final ThreadLocal<@Nullable RequestTrail> current = new ThreadLocal<>();

	private LoggingContext() {
	}

	/** Registers the accessor once for the whole JVM, as context propagation wants. */
	static synchronized void register() {
		ContextRegistry registry = ContextRegistry.getInstance();
		if (registry.getThreadLocalAccessors()
			.stream()
			.noneMatch((accessor) -> accessor.key().equals(RequestTrail.KEY))) {
			registry.registerThreadLocalAccessor(new LoggingContext());
		}
	}

	/** Runs {@code action} with {@code trail}'s ids in the logging context. */
	static void with(RequestTrail trail, Runnable action) {
		LoggingContext accessor = new LoggingContext();
		RequestTrail previous = accessor.getValue();
		accessor.setValue(trail);
		try {
			action.run();
		}
		finally {
			if (previous != null) {
				accessor.restore(previous);
			}
			else {
				accessor.setValue();
			}
		}
	}

	@Override
	public Object key() {
		return RequestTrail.KEY;
	}

	@Override
	public @Nullable RequestTrail getValue() {
		return current.get();
	}

	@Override
	public void setValue(RequestTrail trail) {
		current.set(trail);
		MDC.put(REQUEST_ID, trail.requestId());
		String traceId = trail.traceId();
		if (!traceId.isEmpty()) {
			MDC.put(TRACE_ID, traceId);
			MDC.put(SPAN_ID, trail.spanId());
		}
		else {
			MDC.remove(TRACE_ID);
			MDC.remove(SPAN_ID);
		}
	}

	@Override
	public void setValue() {
		current.remove();
		MDC.remove(REQUEST_ID);
		MDC.remove(TRACE_ID);
		MDC.remove(SPAN_ID);
	}

}
