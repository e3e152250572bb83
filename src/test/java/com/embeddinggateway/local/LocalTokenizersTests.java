package com.embeddinggateway.local;

import org.junit.jupiter.api.BeforeAll;
import com.embeddinggateway.tokenizer.WordPieceTokenizer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LocalTokenizersTests {

	// Reference ids from the public vocabularies: bert-base-uncased's vocab.txt (line
	// number - 1) for English, bert-base-chinese's for Chinese. Both put [UNK] at 100,
	// [CLS] at 101 and [SEP] at 102.
	private static final long UNK = 100;

	private static final long CLS = 101;

	private static final long SEP = 102;

	private static final int NO_LIMIT = 100_000;

	private static LocalTokenizers tokenizers;

	@BeforeAll
	static void load() {
		tokenizers = new LocalTokenizers();
	}

	private static WordPieceTokenizer tokenizer(String model) {
		WordPieceTokenizer tokenizer = tokenizers.forModel(model);
		assertThat(tokenizer).as(model).isNotNull();
		return tokenizer;
	}

	@Test
	void givesBertBaseUncasedIdsToBothEnglishModels() {
		for (String model : new String[] { "BAAI/bge-small-en-v1.5", "BAAI/bge-large-en-v1.5" }) {
			assertThat(tokenizer(model).ids("hello world", NO_LIMIT)).containsExactly(CLS, 7592, 2088, SEP);
		}
	}

	@Test
	void lowercasesAndStripsAccentsForEnglishLikeBertsUncasedTokenizer() {
		WordPieceTokenizer english = tokenizer("BAAI/bge-large-en-v1.5");

		assertThat(english.ids("Hello World", NO_LIMIT)).containsExactly(english.ids("hello world", NO_LIMIT));
		assertThat(english.ids("Café NAÏVE", NO_LIMIT)).containsExactly(english.ids("cafe naive", NO_LIMIT));
	}

	@Test
	void givesBertBaseChineseIdsToBothChineseModels() {
		for (String model : new String[] { "BAAI/bge-small-zh-v1.5", "BAAI/bge-large-zh-v1.5" }) {
			assertThat(tokenizer(model).ids("中国", NO_LIMIT)).containsExactly(CLS, 704, 1744, SEP);
		}
	}

	@Test
	void lowercasesLatinTextForBgeLargeZhButNotForBgeSmallZh() {
		WordPieceTokenizer large = tokenizer("BAAI/bge-large-zh-v1.5");
		WordPieceTokenizer small = tokenizer("BAAI/bge-small-zh-v1.5");

		// bert-base-chinese has no capital Latin letters: unlowercased, "Hello" is [UNK].
		assertThat(large.ids("Hello World", NO_LIMIT)).containsExactly(large.ids("hello world", NO_LIMIT))
			.doesNotContain(UNK);
		assertThat(small.ids("Hello World", NO_LIMIT)).contains(UNK);
		assertThat(small.ids("hello world", NO_LIMIT)).containsExactly(large.ids("hello world", NO_LIMIT));
	}

	@Test
	void countsClsAndSepWithTheText() {
		assertThat(tokenizer("BAAI/bge-large-en-v1.5").count("hello world", NO_LIMIT)).isEqualTo(4);
		assertThat(tokenizer("BAAI/bge-large-zh-v1.5").count("今天天气很好", NO_LIMIT)).isEqualTo(8);
		assertThat(tokenizer("BAAI/bge-large-en-v1.5").count("", NO_LIMIT)).isEqualTo(2);
	}

	@Test
	void countsPastTheModelWindowInsteadOfTruncating() {
		assertThat(tokenizer("BAAI/bge-large-en-v1.5").count("hello ".repeat(1000), NO_LIMIT)).isEqualTo(1002);
		assertThat(tokenizer("BAAI/bge-large-zh-v1.5").count("中".repeat(700), NO_LIMIT)).isEqualTo(702);
	}

	@Test
	void hasNoTokenizerForOtherModelsOrForAliases() {
		assertThat(tokenizers.forModel("BAAI/bge-m3")).isNull();
		assertThat(tokenizers.forModel("bge-large-zh-v1.5")).isNull();
	}

}
