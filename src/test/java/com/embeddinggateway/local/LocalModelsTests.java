package com.embeddinggateway.local;

import java.time.Duration;
import java.util.List;

import com.embeddinggateway.catalog.InvalidInputException;
import com.embeddinggateway.catalog.ModelNotFoundException;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallzhv15q.BgeSmallZhV15QuantizedEmbeddingModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

class LocalModelsTests {

	private static final String EN = "BAAI/bge-small-en-v1.5";

	private static final String ZH = "BAAI/bge-small-zh-v1.5";

	private static LocalTokenizers tokenizers;

	private static LocalModels models;

	@BeforeAll
	static void load() {
		tokenizers = new LocalTokenizers();
		models = new LocalModels(tokenizers, new LocalModelProperties(true, 2, 1, 64, Duration.ofSeconds(1)));
	}

	@AfterAll
	static void close() {
		models.close();
	}

	private static LocalEmbeddings embed(String model, String... inputs) {
		return models.embed(model, List.of(inputs)).block();
	}

	private static double cosine(float[] a, float[] b) {
		double dot = 0;
		for (int i = 0; i < a.length; i++) {
			dot += a[i] * b[i];
		}
		return dot;
	}

	private static double length(float[] vector) {
		return Math.sqrt(cosine(vector, vector));
	}

	@Test
	void embedsEnglishSoThatSimilarSentencesScoreHigher() {
		List<float[]> vectors = embed(EN, "The cat sits on the mat", "A cat is sitting on a rug",
				"Quarterly revenue grew by 8 percent")
			.vectors();

		assertThat(vectors).hasSize(3).allSatisfy((vector) -> {
			assertThat(vector).hasSize(384);
			assertThat(length(vector)).isCloseTo(1.0, within(1e-4));
		});
		assertThat(cosine(vectors.get(0), vectors.get(1))).isGreaterThan(cosine(vectors.get(0), vectors.get(2)) + 0.2);
	}

	@Test
	void embedsChineseSoThatSimilarSentencesScoreHigher() {
		List<float[]> vectors = embed(ZH, "今天天气很好", "今天是晴天", "股票市场大幅下跌").vectors();

		assertThat(vectors).hasSize(3).allSatisfy((vector) -> {
			assertThat(vector).hasSize(512);
			assertThat(length(vector)).isCloseTo(1.0, within(1e-4));
		});
		assertThat(cosine(vectors.get(0), vectors.get(1))).isGreaterThan(cosine(vectors.get(0), vectors.get(2)) + 0.2);
	}

	@Test
	void givesEachTextLangchain4jsVectorWhateverElseIsInTheCall() {
		// langchain4j embeds one text at a time with CLS pooling; the quantized model's
		// vectors would drift if texts were batched together, so they must match exactly.
		assertSameAsLangchain4j(EN, new BgeSmallEnV15QuantizedEmbeddingModel(), "The cat sits on the mat",
				"Quarterly revenue grew by 8 percent, beating every analyst's estimate.", "hi");
		assertSameAsLangchain4j(ZH, new BgeSmallZhV15QuantizedEmbeddingModel(), "今天天气很好", "股票市场大幅下跌，投资者纷纷抛售手中的股票。",
				"Hello World 中国");
	}

	private static void assertSameAsLangchain4j(String model, EmbeddingModel reference, String... texts) {
		List<float[]> together = embed(model, texts).vectors();
		for (int i = 0; i < texts.length; i++) {
			float[] expected = reference.embed(texts[i]).content().vector();
			assertThat(together.get(i)).as(texts[i]).containsExactly(expected, within(1e-6f));
			assertThat(embed(model, texts[i]).vectors().get(0)).as(texts[i]).containsExactly(expected, within(1e-6f));
		}
	}

	@Test
	void countsUsageAsTheTokensTheModelReadIncludingClsAndSep() {
		assertThat(embed(EN, "hello world", "hello").promptTokens()).isEqualTo(4 + 3);
		assertThat(embed(ZH, "中国").promptTokens()).isEqualTo(4);
	}

	@Test
	void acceptsAnInputOfExactly512TokensAndRejectsOneOf513NamingItsIndex() {
		// "hello " is one token; [CLS] and [SEP] take two of BERT's 512 positions.
		String atTheLimit = "hello ".repeat(510);
		String overTheLimit = "hello ".repeat(511);

		assertThat(embed(EN, atTheLimit).promptTokens()).isEqualTo(512);
		assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> embed(EN, "short", overTheLimit))
			.withMessageContaining("index 1")
			.withMessageContaining("more than 512 tokens")
			.withMessageContaining("at most 512")
			.satisfies((ex) -> assertThat(ex.param()).isEqualTo("input"));
	}

	@Test
	void refusesAModelItDoesNotServe() {
		assertThat(models.serves(EN)).isTrue();
		assertThat(models.serves("BAAI/bge-large-en-v1.5")).isFalse();
		assertThatExceptionOfType(ModelNotFoundException.class)
			.isThrownBy(() -> embed("BAAI/bge-large-en-v1.5", "hello"));
	}

}
