package com.embeddinggateway.catalog;

/** The model is not in the catalog, or the caller's tenant may not use it. */
public class ModelNotFoundException extends RuntimeException {

	public ModelNotFoundException(String model) {
		super("The model '" + model + "' does not exist or you do not have access to it.", null, false, false);
	}

}
