package com.embeddinggateway.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The metric names that PromQL queries use: those of the Grafana dashboard's panels and
 * template variables, and of the alert and recording rules.
 */
final class QueriedMetrics {

	static final Path DASHBOARD = Path.of("ops/grafana/embedding-gateway.json");

	static final Path RULES = Path.of("ops/prometheus/alerts.yaml");

	private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");

	private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");

	private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*]");

	private static final Pattern LABEL_LIST = Pattern
		.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");

	private static final Pattern VARIABLE = Pattern.compile("\\$\\{?\\w+}?");

	private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

	private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,");

	private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
			"ignoring", "group_left", "group_right", "inf", "nan", "Inf", "NaN");

	private QueriedMetrics() {
	}

	/** The metric names one PromQL expression reads. */
	static Set<String> in(String expr) {
		String rest = STRING.matcher(expr).replaceAll(" ");
		rest = MATCHERS.matcher(rest).replaceAll(" ");
		rest = RANGE.matcher(rest).replaceAll(" ");
		rest = LABEL_LIST.matcher(rest).replaceAll(" ");
		rest = VARIABLE.matcher(rest).replaceAll(" ");
		Set<String> names = new TreeSet<>();
		Matcher identifier = IDENTIFIER.matcher(rest);
		while (identifier.find()) {
			String name = identifier.group();
			boolean call = rest.substring(identifier.end()).stripLeading().startsWith("(");
			boolean numberPart = identifier.start() > 0 && Character.isDigit(rest.charAt(identifier.start() - 1));
			if (!call && !numberPart && !KEYWORDS.contains(name)) {
				names.add(name);
			}
		}
		return names;
	}

	/** Every metric name the dashboard's queries and template variables read. */
	static Set<String> ofDashboard() throws IOException {
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
		Set<String> names = new TreeSet<>();
		for (String expr : dashboard.findValuesAsString("expr")) {
			names.addAll(in(expr));
		}
		for (JsonNode variable : dashboard.path("templating").path("list")) {
			String definition = variable.path("definition").stringValue("");
			Matcher query = LABEL_VALUES.matcher(definition);
			if (query.find()) {
				names.add(query.group(1));
			}
		}
		return names;
	}

	/** Every metric name the rules' expressions read. */
	static Set<String> ofRules() throws IOException {
		Set<String> names = new TreeSet<>();
		for (Map<String, Object> rule : rules()) {
			names.addAll(in((String) rule.get("expr")));
		}
		return names;
	}

	/** The series the recording rules make. */
	static Set<String> recorded() throws IOException {
		Set<String> names = new TreeSet<>();
		for (Map<String, Object> rule : rules()) {
			if (rule.get("record") != null) {
				names.add((String) rule.get("record"));
			}
		}
		return names;
	}

	@SuppressWarnings("unchecked")
	static List<Map<String, Object>> rules() throws IOException {
		List<Map<String, Object>> rules = new ArrayList<>();
		try (InputStream in = Files.newInputStream(RULES)) {
			Map<String, Object> file = new Yaml().load(in);
			for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
				rules.addAll((List<Map<String, Object>>) group.get("rules"));
			}
		}
		return rules;
	}

}
