package com.embeddinggateway.upstream;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A secret credential. Its {@link #toString()} never shows the value, so it can travel
 * through records, logs and exceptions without leaking.
 */
public final class ApiKey {

	private static final ApiKey NONE = new ApiKey("");

	private final String value;

	private ApiKey(String value) {
		this.value = value;
	}

	/** A key from configuration; {@code null} or blank means "no key". */
	public static ApiKey of(@Nullable String value) {
		return (value == null || value.isBlank()) ? NONE : new ApiKey(value.strip());
	}

	public static ApiKey none() {
		return NONE;
	}

	public boolean isPresent() {
		return !this.value.isEmpty();
	}

	/** The secret itself, for the one place that puts it on the wire. */
	String reveal() {
		return this.value;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof ApiKey key && this.value.equals(key.value);
	}

	@Override
	public int hashCode() {
		return Objects.hashCode(this.value);
	}

	@Override
	public String toString() {
		return isPresent() ? "ApiKey[****]" : "ApiKey[none]";
	}

}
