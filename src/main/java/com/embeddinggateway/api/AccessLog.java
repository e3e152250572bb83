package com.embeddinggateway.api;

import java.util.List;

import com.embeddinggateway.observability.RequestTrail;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One line per embeddings request, when its answer starts (or its caller leaves first):
 * who asked for what, what it cost upstream, and how it was answered. The fields are
 * key-value pairs, members of the JSON line in structured logging; the request and trace
 * ids come from the logging context, as on every line logged while serving the request.
 * Never the input text, a key or a key's digest. Switched off with
 * {@code logging.level.com.embeddinggateway.api.AccessLog: warn}.
 */
final class AccessLog {

	private static final Logger logger = LoggerFactory.getLogger(AccessLog.class);

	private AccessLog() {
	}

	/**
	 * Logs {@code facts}' request, answered with {@code status} after {@code nanos};
	 * {@code traceparent} is the caller's, when it sent a valid one.
	 */
	static void served(RequestTrail trail, RequestFacts facts, int status, long nanos, @Nullable String traceparent) {
		if (!logger.isInfoEnabled()) {
			return;
		}
		trail.inLoggingContext(() -> {
			long latencyMs = nanos / 1_000_000;
			List<String> upstreamTraceIds = trail.upstreamTraceIds();
			LoggingEventBuilder line = logger.atInfo()
				.addKeyValue("tenant", facts.tenant)
				.addKeyValue("model", facts.model)
				.addKeyValue("inputs", facts.inputs)
				.addKeyValue("tokens", facts.tokens)
				.addKeyValue("upstreamCalls", trail.upstreamCalls())
				.addKeyValue("retries", trail.retries())
				.addKeyValue("spillovers", trail.spillovers())
				.addKeyValue("status", status)
				.addKeyValue("latencyMs", latencyMs);
			if (facts.errorCode != null) {
				line = line.addKeyValue("errorCode", facts.errorCode);
			}
			if (!upstreamTraceIds.isEmpty()) {
				line = line.addKeyValue("upstreamTraceIds", String.join(",", upstreamTraceIds));
			}
			if (traceparent != null) {
				line = line.addKeyValue("traceparent", traceparent);
			}
			line.log(
					"embeddings {} {} {} inputs {} tokens, {} upstream calls, {} retries, {} spillovers -> {}{} in {} ms",
					facts.tenant, facts.model, facts.inputs, facts.tokens, trail.upstreamCalls(), trail.retries(),
					trail.spillovers(), status, (facts.errorCode != null) ? " " + facts.errorCode : "", latencyMs);
		});
	}

}
