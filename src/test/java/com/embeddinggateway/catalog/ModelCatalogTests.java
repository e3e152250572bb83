package com.embeddinggateway.catalog;

import java.util.List;

import org.junit.jupiter.api.Test;

import static com.embeddinggateway.Fixtures.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class ModelCatalogTests {

	@Test
	void servesTheEightSiliconFlowModelsByNameAndAlias() {
		ModelCatalog catalog = catalog();

		assertThat(catalog.all()).hasSize(8);
		assertThat(catalog.find("bge-m3")).get().extracting(ModelSpec::name).isEqualTo("BAAI/bge-m3");
		assertThat(catalog.find("Qwen/Qwen3-Embedding-8B")).get()
			.satisfies((qwen) -> assertThat(qwen.allowedDimensions()).hasSize(10).endsWith(4096));
		assertThat(catalog.find("Qwen/Qwen3-Embedding-0.6B")).get()
			.satisfies((qwen) -> assertThat(qwen.allowedDimensions()).endsWith(1024).doesNotContain(1536));
		assertThat(catalog.find("text-embedding-3-small")).isEmpty();
	}

	@Test
	void anEntryForABuiltInModelOverridesOnlyWhatItSets() {
		ModelCatalog catalog = catalog(
				new CatalogProperties.Model("BAAI/bge-m3", null, null, 64, null, null, null, List.of("m3"), null));

		ModelSpec m3 = catalog.find("m3").orElseThrow();
		assertThat(m3.maxBatchSize()).isEqualTo(64);
		assertThat(m3.maxInputTokens()).isEqualTo(8192);
		assertThat(m3.dimensions()).isEqualTo(1024);
		assertThat(catalog.find("bge-m3")).isEmpty();
	}

	@Test
	void anEntryWithANewNameAddsAModelWithDefaults() {
		ModelCatalog catalog = catalog(
				new CatalogProperties.Model("my/model", null, null, null, null, null, null, null, null));

		assertThat(catalog.find("my/model")).get()
			.isEqualTo(new ModelSpec("my/model", List.of(new Deployment("siliconflow", "my/model")), 32, 0, 0,
					List.of(), List.of()));
	}

	@Test
	void refusesAllowedDimensionsAboveTheNativeLength() {
		assertThatIllegalStateException()
			.isThrownBy(() -> catalog(new CatalogProperties.Model("Qwen/Qwen3-Embedding-0.6B", null, null, null, null,
					null, List.of(512, 2048), null, null)))
			.withMessageContaining("gateway.models")
			.withMessageContaining("'Qwen/Qwen3-Embedding-0.6B' allows dimensions 2048, above its 1024");
	}

	@Test
	void deploymentsListWhereTheSameModelIsServedInOrder() {
		ModelCatalog catalog = catalog(new CatalogProperties.Model("BAAI/bge-m3", null,
				List.of(new CatalogProperties.DeploymentEntry("siliconflow", null, null),
						new CatalogProperties.DeploymentEntry("siliconflow", "Pro/BAAI/bge-m3", null)),
				null, null, null, null, null, null));

		assertThat(catalog.find("bge-m3")).get()
			.extracting(ModelSpec::deployments)
			.isEqualTo(List.of(new Deployment("siliconflow", "BAAI/bge-m3"),
					new Deployment("siliconflow", "Pro/BAAI/bge-m3")));
	}

	@Test
	void aDeploymentOnAnUnknownUpstreamStopsStartUp() {
		assertThatIllegalStateException().isThrownBy(() -> catalog(new CatalogProperties.Model("BAAI/bge-m3", null,
				List.of(new CatalogProperties.DeploymentEntry("tei", null, null)), null, null, null, null, null, null)))
			.withMessageContaining("'tei'");
	}

	@Test
	void aModelOnAnUnknownUpstreamStopsStartUp() {
		assertThatIllegalStateException().isThrownBy(
				() -> catalog(new CatalogProperties.Model("my/model", "tei", null, null, null, null, null, null, null)))
			.withMessageContaining("'my/model'")
			.withMessageContaining("'tei'");
	}

	@Test
	void anAliasUsedTwiceStopsStartUp() {
		assertThatIllegalStateException()
			.isThrownBy(() -> catalog(new CatalogProperties.Model("my/model", null, null, null, null, null, null,
					List.of("bge-m3"), null)))
			.withMessageContaining("alias 'bge-m3'")
			.withMessageContaining("'my/model'");
	}

}
