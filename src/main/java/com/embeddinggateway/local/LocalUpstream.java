package com.embeddinggateway.local;

import java.util.Arrays;
import java.util.List;

import com.embeddinggateway.catalog.Deployment;
import com.embeddinggateway.catalog.ModelProvider;
import com.embeddinggateway.catalog.ModelSpec;
import com.embeddinggateway.upstream.InProcessUpstream;
import com.embeddinggateway.upstream.UpstreamBatch;
import com.embeddinggateway.upstream.UpstreamCall;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The in-process models as an upstream named {@code local}: they join the catalog and
 * take calls like any remote provider, through the same validation, fan-out, resilience
 * and error envelope.
 */
@Component
@ConditionalOnProperty(name = "gateway.local.enabled", havingValue = "true")
class LocalUpstream implements InProcessUpstream, ModelProvider {

	static final String ID = "local";

	/** Their own tokens, without [CLS] and [SEP]: the 512-position window holds both. */
	private static final int MAX_INPUT_TOKENS = 510;

	private final LocalModels models;

	LocalUpstream(LocalModels models) {
		this.models = models;
	}

	@Override
	public String upstreamId() {
		return ID;
	}

	@Override
	public List<ModelSpec> models() {
		return Arrays.stream(SmallModel.values())
			.map((model) -> new ModelSpec(model.modelName(), List.of(new Deployment(ID, model.modelName())), 32,
					MAX_INPUT_TOKENS, model.dimensions(), List.of(),
					List.of(model.modelName().substring(model.modelName().indexOf('/') + 1))))
			.toList();
	}

	@Override
	public Mono<UpstreamBatch> embed(UpstreamCall call) {
		return this.models.embed(call.model(), call.inputs())
			.map((embeddings) -> UpstreamBatch.ofVectors(embeddings.vectors(), embeddings.promptTokens()));
	}

}
