package com.embeddinggateway.catalog;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import com.embeddinggateway.upstream.UpstreamProperties;

import org.springframework.stereotype.Component;

/**
 * Every model the gateway serves, found by name or alias. Built once at start-up; a model
 * pointing at an unknown upstream or an alias claimed twice stops start-up.
 */
@Component
public class ModelCatalog {

	private final Map<String, ModelSpec> models = new LinkedHashMap<>();

	private final Map<String, ModelSpec> byName = new ConcurrentHashMap<>();

	public ModelCatalog(CatalogProperties properties, UpstreamProperties upstreams, List<ModelProvider> providers) {
		for (ModelSpec builtIn : BuiltInModels.all()) {
			this.models.put(builtIn.name(), builtIn);
		}
		for (ModelProvider provider : providers) {
			provider.models().forEach((model) -> this.models.put(model.name(), model));
		}
		for (CatalogProperties.Model entry : properties.models()) {
			this.models.put(entry.name(), entry.over(this.models.get(entry.name())));
		}
		Set<String> upstreamIds = upstreams.upstreams()
			.stream()
			.map(UpstreamProperties.Upstream::id)
			.collect(Collectors.toCollection(HashSet::new));
		providers.forEach((provider) -> upstreamIds.add(provider.upstreamId()));
		for (ModelSpec model : this.models.values()) {
			for (Deployment deployment : model.deployments()) {
				if (!upstreamIds.contains(deployment.upstream())) {
					throw new IllegalStateException("gateway.models: model '" + model.name() + "' uses upstream '"
							+ deployment.upstream() + "', which is not in gateway.upstreams " + upstreamIds);
				}
			}
			for (int allowed : model.allowedDimensions()) {
				// Matryoshka models shorten their vectors; none can lengthen them.
				if (model.dimensions() > 0 && allowed > model.dimensions()) {
					throw new IllegalStateException("gateway.models: model '" + model.name() + "' allows dimensions "
							+ allowed + ", above its " + model.dimensions());
				}
			}
			this.byName.put(model.name(), model);
		}
		for (ModelSpec model : this.models.values()) {
			for (String alias : model.aliases()) {
				ModelSpec previous = this.byName.putIfAbsent(alias, model);
				if (previous != null && previous != model) {
					throw new IllegalStateException("gateway.models: alias '" + alias + "' of model '" + model.name()
							+ "' is already the name or an alias of '" + previous.name() + "'");
				}
			}
		}
	}

	/** The model with this name or alias. */
	public Optional<ModelSpec> find(String nameOrAlias) {
		return Optional.ofNullable(this.byName.get(nameOrAlias));
	}

	/**
	 * Makes {@code model} findable by its name until the returned action runs, without
	 * listing it in {@link #all()}: for the gateway's own warm-up, whose model is served
	 * by an in-process stand-in and exists only while it runs.
	 */
	public Runnable addTemporarily(ModelSpec model) {
		if (this.byName.putIfAbsent(model.name(), model) != null) {
			throw new IllegalStateException("model '" + model.name() + "' is already in the catalog");
		}
		return () -> this.byName.remove(model.name(), model);
	}

	public Collection<ModelSpec> all() {
		return this.models.values();
	}

}
