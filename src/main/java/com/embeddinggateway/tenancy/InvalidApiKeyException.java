package com.embeddinggateway.tenancy;

/** No key, or a key that belongs to no tenant. */
public class InvalidApiKeyException extends RuntimeException {

	InvalidApiKeyException(String message) {
		super(message, null, false, false);
	}

}
