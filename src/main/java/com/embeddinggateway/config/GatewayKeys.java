package com.embeddinggateway.config;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.embeddinggateway.api.ApiProperties;
import com.embeddinggateway.cache.CacheProperties;
import com.embeddinggateway.catalog.CatalogProperties;
import com.embeddinggateway.fanout.FanoutProperties;
import com.embeddinggateway.local.LocalModelProperties;
import com.embeddinggateway.ratelimit.RateLimitProperties;
import com.embeddinggateway.resilience.ResilienceProperties;
import com.embeddinggateway.shedding.SheddingProperties;
import com.embeddinggateway.warmup.WarmupProperties;
import com.embeddinggateway.tenancy.TenancyProperties;
import com.embeddinggateway.upstream.UpstreamProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.stereotype.Component;

/**
 * Stops start-up on a key under {@code gateway} that nothing reads
 * ({@code gateway.tenants[0].limts}, {@code gateway.fanot.max-parallel-calls},
 * {@code gateway.models[0].deployments[0].limits.rpm}), naming it, from whichever source
 * it comes: YAML, command line or environment variable.
 * <p>
 * Spring's own check ({@code ignoreUnknownFields = false}) cannot do this here: the
 * catalog, the upstreams and the tenants all bind {@code gateway} itself, so each would
 * refuse the others' keys; and inside a list it lets through any key below a known one
 * ({@code gateway.models[0].deployments[0].limit.requests-per-minute} passes because
 * {@code deployments} is known). So every section is bound once more here, as
 * {@link Sections}, and every key of the environment under {@code gateway} that this
 * binding did not use is refused ({@link ConfigurationFailureAnalyzer} words the report).
 */
@Component
class GatewayKeys {

	GatewayKeys(Environment environment) {
		Binder.get(environment).bind("gateway", Bindable.of(Sections.class), new UnusedKeys());
	}

	/**
	 * Every section under {@code gateway}, typed by the properties record that owns it. A
	 * properties record added under {@code gateway} must be added here too, which
	 * {@code ConfigurationMistakesTests} checks.
	 *
	 * @param models see {@link CatalogProperties}
	 * @param upstreams see {@link UpstreamProperties}
	 * @param httpClient see {@link UpstreamProperties}
	 * @param tenants see {@link TenancyProperties}
	 * @param api see {@link ApiProperties}
	 * @param fanout see {@link FanoutProperties}
	 * @param local see {@link LocalModelProperties}
	 * @param resilience see {@link ResilienceProperties}
	 * @param shedding see {@link SheddingProperties}
	 * @param warmup see {@link WarmupProperties}
	 * @param rateLimit see {@link RateLimitProperties}
	 * @param currency see {@link RateLimitProperties}
	 * @param cache see {@link CacheProperties}
	 */
	record Sections(@Nullable List<CatalogProperties.Model> models,
			@Nullable List<UpstreamProperties.Upstream> upstreams, UpstreamProperties.@Nullable HttpClient httpClient,
			@Nullable List<TenancyProperties.Tenant> tenants, @Nullable ApiProperties api,
			@Nullable FanoutProperties fanout, @Nullable LocalModelProperties local,
			@Nullable ResilienceProperties resilience, @Nullable SheddingProperties shedding,
			@Nullable WarmupProperties warmup, RateLimitProperties.@Nullable RateLimit rateLimit,
			@Nullable String currency, @Nullable CacheProperties cache) {
	}

	/** Notes the keys a binding uses; at its end, refuses the others under its root. */
	private static final class UnusedKeys extends AbstractBindHandler {

		private static final Set<String> SERVICE_LINKS = Set.of("service", "port");

		private final Set<ConfigurationPropertyName> used = new HashSet<>();

		/** For each outermost list, the property source its elements were bound from. */
		private final Map<ConfigurationPropertyName, Object> listSources = new HashMap<>();

		@Override
		public @Nullable Object onSuccess(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
				Object result) {
			this.used.add(name);
			ConfigurationProperty property = context.getConfigurationProperty();
			ConfigurationPropertyName list = outermostList(name);
			if (property != null && list != null) {
				this.listSources.putIfAbsent(list, property.getSource().getUnderlyingSource());
			}
			return result;
		}

		@Override
		public void onFinish(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
				@Nullable Object result) {
			if (context.getDepth() > 0) {
				return;
			}
			Set<ConfigurationProperty> unused = new TreeSet<>();
			for (ConfigurationPropertySource source : context.getSources()) {
				if (source instanceof IterableConfigurationPropertySource keys) {
					keys.stream()
						.filter((key) -> name.isAncestorOf(key) && !this.used.contains(key)
								&& !overriddenListElement(key, source) && !kubernetesServiceLink(key, source))
						.forEach((key) -> unused.add(keys.getConfigurationProperty(key)));
				}
			}
			if (!unused.isEmpty()) {
				throw new UnboundConfigurationPropertiesException(unused);
			}
		}

		/**
		 * A list is bound whole from the first property source that has elements of it;
		 * the same list's keys in later sources are overridden, not unknown.
		 */
		private boolean overriddenListElement(ConfigurationPropertyName key, ConfigurationPropertySource source) {
			ConfigurationPropertyName list = outermostList(key);
			Object boundFrom = (list != null) ? this.listSources.get(list) : null;
			return boundFrom != null && boundFrom != source.getUnderlyingSource();
		}

		/**
		 * Kubernetes gives every pod {@code GATEWAY_SERVICE_HOST}, {@code GATEWAY_PORT}
		 * and the like when any Service in its namespace is named {@code gateway}
		 * (kubernetes.io/docs/concepts/services-networking/service/#environment-variables):
		 * they are not settings of this gateway.
		 */
		private static boolean kubernetesServiceLink(ConfigurationPropertyName key,
				ConfigurationPropertySource source) {
			return source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource
					&& key.getNumberOfElements() > 1 && SERVICE_LINKS.contains(key.getElement(1, Form.UNIFORM));
		}

		private static @Nullable ConfigurationPropertyName outermostList(ConfigurationPropertyName name) {
			for (int i = 0; i < name.getNumberOfElements(); i++) {
				if (name.isNumericIndex(i)) {
					return name.chop(i);
				}
			}
			return null;
		}

	}

}
