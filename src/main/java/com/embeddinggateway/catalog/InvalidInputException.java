package com.embeddinggateway.catalog;

import org.jspecify.annotations.Nullable;

/**
 * A request the gateway refuses before any upstream call; {@code param} names the field.
 */
public class InvalidInputException extends RuntimeException {

	private final @Nullable String param;

	public InvalidInputException(@Nullable String param, String message) {
		super(message, null, false, false);
		this.param = param;
	}

	public @Nullable String param() {
		return this.param;
	}

}
