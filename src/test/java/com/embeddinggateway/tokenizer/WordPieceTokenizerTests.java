package com.embeddinggateway.tokenizer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pure-Java tokenizer against the Hugging Face tokenizers library itself (through
 * DJL, in tests only), id for id, on the three tokenizers the gateway uses.
 */
class WordPieceTokenizerTests {

	private static final Map<String, String> DJL_OPTIONS = Map.of("addSpecialTokens", "true", "truncation", "false",
			"padding", "false");

	/** Far more than any text here yields: ids compared whole. */
	private static final int NO_LIMIT = 1_000_000;

	private static final List<Pair> pairs = new ArrayList<>();

	record Pair(String name, WordPieceTokenizer java, HuggingFaceTokenizer reference) {
	}

	@BeforeAll
	static void load() throws IOException {
		// The CPU build inside DJL's jar; without this it would look for a GPU build.
		System.setProperty("RUST_FLAVOR", "cpu");
		byte[] english = resource("bge-small-en-v1.5-q-tokenizer.json");
		byte[] chinese = resource("bge-small-zh-v1.5-q-tokenizer.json");
		pairs.add(new Pair("en", WordPieceTokenizer.load(english), reference(english)));
		pairs.add(new Pair("zh", WordPieceTokenizer.load(chinese), reference(chinese)));
		pairs.add(new Pair("zh-lowercasing", WordPieceTokenizer.loadLowercasing(chinese),
				reference(lowercasing(chinese))));
	}

	@AfterAll
	static void close() {
		pairs.forEach((pair) -> pair.reference().close());
	}

	static byte[] resource(String name) throws IOException {
		try (InputStream in = WordPieceTokenizerTests.class.getClassLoader().getResourceAsStream(name)) {
			assertThat(in).as(name).isNotNull();
			return in.readAllBytes();
		}
	}

	private static HuggingFaceTokenizer reference(byte[] json) throws IOException {
		return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), DJL_OPTIONS);
	}

	private static byte[] lowercasing(byte[] json) {
		JsonMapper mapper = JsonMapper.builder().build();
		ObjectNode root = (ObjectNode) mapper.readTree(json);
		((ObjectNode) root.get("normalizer")).put("lowercase", true);
		return mapper.writeValueAsBytes(root);
	}

	private static void assertSameIds(String text) {
		for (Pair pair : pairs) {
			long[] expected = pair.reference().encode(text).getIds();
			assertThat(pair.java().ids(text, NO_LIMIT)).as("%s ids of %s", pair.name(), escaped(text))
				.containsExactly(expected);
			assertThat(pair.java().count(text, NO_LIMIT)).isEqualTo(expected.length);
		}
	}

	@Test
	void givesTheLibrarysIdsForEnglishChineseAndMixedText() {
		for (String text : List.of("hello world", "The quick brown fox jumps over the lazy dog.",
				"Embeddings are a pure function of (model, dimensions, text); retrying is safe!", "今天天气很好，我们去公园散步吧。",
				"股票市场大幅下跌", "我在用BAAI/bge-m3做检索，效果不错。", "Hello 世界! GPT-4o 和 Qwen3-Embedding-8B 的对比",
				"unaffable tokenization WordPiece", "e-mail: someone@example.com, https://example.com/a?b=c&d=e#f",
				"1234567890 3.14159 -42 1e10", "", " ", "   leading and trailing   ", "tabs\tand\nnew\r\nlines")) {
			assertSameIds(text);
		}
	}

	@Test
	void givesTheLibrarysIdsForAccentsCaseAndOtherScripts() {
		for (String text : List.of("Café NAÏVE résumé Ångström Æsir œuvre", "İstanbul IŞIK ılık", "Straße STRASSE ẞ",
				"ΣΊΣΥΦΟΣ σίσυφος", "Москва ЁЛКА", "한국어 텍스트 안녕하세요", "日本語のテキスト、カタカナ", "العربية النص", "עברית",
				"हिन्दी पाठ", "ไทย", "ﬁ ﬂ ﬀ Ⅻ ① ㎏ ＡＢＣ ｱｲｳ", "e\u0301 a\u0308 n\u0303", "\u0301\u0302 alone marks",
				"Ǆ ǅ ǆ ǈ", "ℌ ℍ ℕ Ω K Å")) {
			assertSameIds(text);
		}
	}

	@Test
	void givesTheLibrarysIdsForPunctuationControlAndSpecialCharacters() {
		for (String text : List.of("!!!???...,,,;;;:::", "«quotes» „german“ ‘single’ “double” — – ‐ … ‰ ※ § ¶",
				"$100 + 20% = <html> ^_^ `code` |pipe| ~tilde~ {braces} [brackets]",
				"zero\u0000width\u200Bjoiner\u200Dnon\u200Cjoiner\uFEFFbom\u2060wj", "soft\u00ADhyphen",
				"nbsp\u00A0narrow\u202Fideographic\u3000em\u2003thin\u2009",
				"nel\u0085vt\u000Bff\u000Cfs\u001Cus\u001F", "del\u007Fbell\u0007esc\u001B", "replacement\uFFFDchar",
				"private\uE000\uE001\uF8FF\uE123use", "emoji 😀👍🏽👨‍👩‍👧 🇨🇳 ❤️", "math 𝐀𝐁𝐂 𝔸 𝟘",
				"CJK ext 𠀀𠀁 𪜀 compat 豈 更 丽", "[CLS] hello [SEP] [MASK] [UNK] [PAD]", "hello[MASK]world",
				"[mask] [Mask] [CLS", "[[CLS]]", "####hash", "##ing", "a##b", "lone\uD800surrogate", "\uDFFFab cd",
				"end\uD83D")) {
			assertSameIds(text);
		}
	}

	@Test
	void givesTheLibrarysIdsForWordsAroundTheHundredCharacterLimit() {
		for (int length : new int[] { 1, 99, 100, 101, 150, 400 }) {
			assertSameIds("a".repeat(length));
			assertSameIds("x" + "é".repeat(length - 1) + " tail");
			assertSameIds("ab".repeat(length / 2) + "!" + "ing".repeat(length / 3));
			assertSameIds("한".repeat(length));
		}
		assertSameIds("supercalifragilisticexpialidocious".repeat(3) + " " + "antidisestablishmentarianism");
		// A word whose last piece matches nothing is one [UNK], not its pieces.
		assertSameIds("unbelievable\uE001");
		assertSameIds("unbelievable\u0378");
		assertSameIds("hello" + "\u0378");
	}

	@Test
	void givesTheLibrarysIdsForRandomTextFromEveryPlane() {
		Random random = new Random(20261202);
		int[][] ranges = { { 0x20, 0x7E }, { 0x00, 0x20 }, { 0xA0, 0x24F }, { 0x300, 0x36F }, { 0x370, 0x52F },
				{ 0x2000, 0x206F }, { 0x3000, 0x30FF }, { 0x4E00, 0x4E80 }, { 0xAC00, 0xAC80 }, { 0xF900, 0xF920 },
				{ 0xFE00, 0xFFFF }, { 0x1F300, 0x1F6FF }, { 0x20000, 0x20010 }, { 0x0, 0xFFFF } };
		for (int text = 0; text < 2000; text++) {
			StringBuilder builder = new StringBuilder();
			int length = 1 + random.nextInt(40);
			for (int i = 0; i < length; i++) {
				int[] range = ranges[random.nextInt(ranges.length)];
				int codePoint = range[0] + random.nextInt(range[1] - range[0] + 1);
				if (!Character.isSurrogate((char) codePoint) || codePoint > 0xFFFF) {
					builder.appendCodePoint(codePoint);
				}
				if (random.nextInt(6) == 0) {
					builder.append(' ');
				}
			}
			assertSameIds(builder.toString());
		}
	}

	@Test
	void countsStopOneTokenPastTheLimit() {
		WordPieceTokenizer english = pairs.get(0).java();
		String text = "hello ".repeat(1000);

		assertThat(english.count(text, 1002)).isEqualTo(1002);
		assertThat(english.count(text, 1001)).isEqualTo(1002);
		assertThat(english.count(text, 512)).isEqualTo(513);
		assertThat(english.ids(text, 512)).isNull();
		assertThat(english.ids("hello world", 4)).containsExactly(101, 7592, 2088, 102);
		assertThat(english.ids("hello world", 3)).isNull();
	}

	@Test
	void countsAWordThatEndsAsUnknownAsOneTokenEvenAtTheLimit() {
		WordPieceTokenizer english = pairs.get(0).java();
		// Its pieces would be many tokens, but the unmatched last character makes it one.
		String word = "ab".repeat(40) + "\u0378";

		assertThat(english.count(word, 3)).isEqualTo(3);
		assertThat(english.ids(word, 3)).containsExactly(101, 100, 102);
	}

	@Test
	void readsNoFurtherThanTheLimitNeeds() {
		WordPieceTokenizer chinese = pairs.get(2).java();
		String huge = "中".repeat(4_194_304);

		assertThat(chinese.count(huge, 512)).isEqualTo(513);
		assertThat(chinese.ids(huge, 512)).isNull();
		assertThat(Arrays.asList(chinese.count("!".repeat(12_000_000), 512),
				pairs.get(0).java().count(".".repeat(12_000_000), 512)))
			.containsExactly(513, 513);
	}

	@Test
	void countsAWordOfMillionsOfLettersAsOneUnknownToken() {
		assertThat(pairs.get(0).java().count("a".repeat(12_000_000), 512)).isEqualTo(3);
		assertThat(pairs.get(0).java().count("é".repeat(6_000_000), 512)).isEqualTo(3);
		assertThat(pairs.get(0).java().count("😀".repeat(3_000_000), 512)).isEqualTo(3);
		assertThat(pairs.get(0).java().count(" \u200B".repeat(6_000_000), 512)).isEqualTo(2);
	}

	private static String escaped(String text) {
		StringBuilder out = new StringBuilder();
		text.codePoints().forEach((c) -> out.append((c < 0x20 || c > 0x7E) ? String.format("\\u{%X}", c) : (char) c));
		return out.toString();
	}

}
