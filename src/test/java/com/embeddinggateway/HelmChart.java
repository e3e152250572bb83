package com.embeddinggateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The chart under {@code helm/embedding-gateway}, rendered by Helm itself (helm-java runs
 * Helm's Go code in process), and the objects it renders, as plain maps.
 */
final class HelmChart {

	static final Path CHART = Path.of("helm", "embedding-gateway");

	static final Path ALL_OPTIONS_ON = Path.of("src", "test", "resources", "helm", "all-options-on.yaml");

	private HelmChart() {
	}

	/** {@code helm template} with the chart's defaults, then {@code options} applied. */
	static Rendered template(UnaryOperator<TemplateCommand> options) {
		String yaml = options.apply(new Helm(CHART).template().withName("gw").withNamespace("embeddings")).call();
		List<Map<String, Object>> objects = new ArrayList<>();
		for (Object document : yaml().loadAll(yaml)) {
			if (document != null) {
				objects.add(map(document));
			}
		}
		return new Rendered(objects);
	}

	static Yaml yaml() {
		LoaderOptions options = new LoaderOptions();
		options.setAllowDuplicateKeys(false);
		return new Yaml(options);
	}

	static Object load(Path file) {
		try {
			return yaml().load(Files.readString(file));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> map(Object value) {
		return (Map<String, Object>) Objects.requireNonNull(value);
	}

	@SuppressWarnings("unchecked")
	static List<Object> list(Object value) {
		return (List<Object>) Objects.requireNonNull(value);
	}

	/** The value at a dotted path of maps, or null. */
	static Object at(Object root, String path) {
		Object current = root;
		for (String key : path.split("\\.")) {
			if (!(current instanceof Map<?, ?> map)) {
				return null;
			}
			current = map.get(key);
		}
		return current;
	}

	/** Deep merge of {@code override} over {@code base}, as Helm merges values files. */
	static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> override) {
		Map<String, Object> merged = new LinkedHashMap<>(base);
		override.forEach((key, value) -> {
			if (value instanceof Map<?, ?> && merged.get(key) instanceof Map<?, ?>) {
				merged.put(key, merge(map(merged.get(key)), map(value)));
			}
			else {
				merged.put(key, value);
			}
		});
		return merged;
	}

	record Rendered(List<Map<String, Object>> objects) {

		List<Map<String, Object>> ofKind(String kind) {
			return this.objects.stream().filter((object) -> kind.equals(object.get("kind"))).toList();
		}

		Map<String, Object> one(String kind) {
			List<Map<String, Object>> found = ofKind(kind);
			if (found.size() != 1) {
				throw new AssertionError("expected one " + kind + ", rendered " + found.size());
			}
			return found.get(0);
		}

		Map<String, Object> named(String kind, String name) {
			return ofKind(kind).stream()
				.filter((object) -> name.equals(at(object, "metadata.name")))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
		}

		Map<String, Object> container() {
			return map(list(at(one("Deployment"), "spec.template.spec.containers")).get(0));
		}

		/** The application.yml the chart's ConfigMap carries, parsed. */
		Map<String, Object> applicationYaml() {
			return map(yaml().load(applicationYamlText()));
		}

		String applicationYamlText() {
			return (String) map(at(named("ConfigMap", "gw-embedding-gateway"), "data")).get("application.yml");
		}

	}

}
