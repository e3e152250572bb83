package com.embeddinggateway.catalog;

import java.util.List;

/**
 * An upstream the gateway runs itself, which brings its own models into the catalog (the
 * in-process bge-small models, for example). Its id is a valid {@code upstream} for
 * {@code gateway.models} entries, which may override its models like built-in ones.
 */
public interface ModelProvider {

	/** The upstream id its models' deployments use. */
	String upstreamId();

	/** Its models, as built-in catalog entries. */
	List<ModelSpec> models();

}
