package com.embeddinggateway.upstream;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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

	/**
	 * A short, stable name for the account behind this key, safe to use where the key
	 * must not appear (a Redis key name): the first 16 hex digits of its SHA-256, or
	 * {@code default} for no key.
	 */
	public String fingerprint() {
		if (!isPresent()) {
			return "default";
		}
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(this.value.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 8);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every Java runtime", ex);
		}
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
