package com.embeddinggateway.upstream;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Primary;
import org.springframework.stereotype.Component;

/**
 * Sends each call to the upstream its deployment names: an in-process one by its id,
 * every other over HTTP.
 */
@Primary
@Component
public class Upstreams implements EmbeddingUpstream {

	private final UpstreamClient http;

	private final Map<String, InProcessUpstream> inProcess;

	public Upstreams(UpstreamClient http, List<InProcessUpstream> inProcess) {
		this.http = http;
		this.inProcess = inProcess.stream()
			.collect(Collectors.toUnmodifiableMap(InProcessUpstream::upstreamId, Function.identity()));
	}

	@Override
	public Mono<UpstreamBatch> embed(UpstreamCall call) {
		InProcessUpstream local = this.inProcess.get(call.upstream());
		return (local != null) ? local.embed(call) : this.http.embed(call);
	}

}
