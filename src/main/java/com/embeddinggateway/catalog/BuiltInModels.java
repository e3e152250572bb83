package com.embeddinggateway.catalog;

import java.util.List;

/**
 * SiliconFlow's embedding models as the upstream documents them (limits from its OpenAPI
 * spec; batch size 32 from the spec, although real 413 answers have said 64).
 */
final class BuiltInModels {

	static final String UPSTREAM = "siliconflow";

	private static final List<Integer> QWEN_DIMENSIONS = List.of(64, 128, 256, 512, 768, 1024, 1536, 2048, 2560, 4096);

	private BuiltInModels() {
	}

	static List<ModelSpec> all() {
		return List.of(model("BAAI/bge-large-zh-v1.5", 512, 1024, List.of(), "bge-large-zh-v1.5"),
				model("BAAI/bge-large-en-v1.5", 512, 1024, List.of(), "bge-large-en-v1.5"),
				model("netease-youdao/bce-embedding-base_v1", 512, 768, List.of(), "bce-embedding-base_v1"),
				model("BAAI/bge-m3", 8192, 1024, List.of(), "bge-m3"), model("Pro/BAAI/bge-m3", 8192, 1024, List.of()),
				model("Qwen/Qwen3-Embedding-8B", 32768, 4096, upTo(4096), "Qwen3-Embedding-8B"),
				model("Qwen/Qwen3-Embedding-4B", 32768, 2560, upTo(2560), "Qwen3-Embedding-4B"),
				model("Qwen/Qwen3-Embedding-0.6B", 32768, 1024, upTo(1024), "Qwen3-Embedding-0.6B"));
	}

	private static List<Integer> upTo(int max) {
		return QWEN_DIMENSIONS.stream().filter((d) -> d <= max).toList();
	}

	private static ModelSpec model(String name, int maxTokens, int dimensions, List<Integer> allowed,
			String... aliases) {
		return new ModelSpec(name, List.of(new Deployment(UPSTREAM, name)), 32, maxTokens, dimensions, allowed,
				List.of(aliases));
	}

}
