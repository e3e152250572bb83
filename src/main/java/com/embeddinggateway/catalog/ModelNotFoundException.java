package com.embeddinggateway.catalog;

/** The model is not in the catalog, or the caller's tenant may not use it. */
public class ModelNotFoundException extends RuntimeException {

	/** Longest model name repeated back to the caller; no catalog name comes close. */
	static final int MAX_ECHOED = 200;

	public ModelNotFoundException(String model) {
		super("The model " + quoted(model) + " does not exist or you do not have access to it.", null, false, false);
	}

	private static String quoted(String model) {
		if (model.length() <= MAX_ECHOED) {
			return "'" + model + "'";
		}
		int end = Character.isHighSurrogate(model.charAt(MAX_ECHOED - 1)) ? MAX_ECHOED - 1 : MAX_ECHOED;
		return "'" + model.substring(0, end) + "...' (" + model.length() + " characters)";
	}

}
