package com.embeddinggateway.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} command-line options. An unknown or repeated name stops the tool,
 * because a mistyped knob in a benchmark silently measures the wrong thing.
 */
final class Args {

	private final Map<String, String> values = new HashMap<>();

	private Args() {
	}

	static Args parse(String[] args, Set<String> known) {
		Args parsed = new Args();
		for (int i = 0; i < args.length; i += 2) {
			String name = args[i];
			if (!name.startsWith("--") || !known.contains(name.substring(2))) {
				throw new IllegalArgumentException("Unknown option " + name + "; known: " + known);
			}
			if (i + 1 == args.length) {
				throw new IllegalArgumentException("Option " + name + " needs a value");
			}
			if (parsed.values.put(name.substring(2), args[i + 1]) != null) {
				throw new IllegalArgumentException("Option " + name + " is given twice");
			}
		}
		return parsed;
	}

	String get(String name, String fallback) {
		return this.values.getOrDefault(name, fallback);
	}

	String required(String name) {
		String value = this.values.get(name);
		if (value == null) {
			throw new IllegalArgumentException("Option --" + name + " is required");
		}
		return value;
	}

	int intValue(String name, int fallback) {
		String value = this.values.get(name);
		return (value != null) ? Integer.parseInt(value) : fallback;
	}

	/** Seconds, written {@code 60} or {@code 60s} as run.sh's knobs are. */
	double seconds(String name, double fallback) {
		String value = this.values.get(name);
		if (value == null) {
			return fallback;
		}
		return Double.parseDouble(value.endsWith("s") ? value.substring(0, value.length() - 1) : value);
	}

	boolean has(String name) {
		return this.values.containsKey(name);
	}

}
