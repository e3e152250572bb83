package com.embeddinggateway.tokenizer;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

/**
 * CPU time to check inputs against bge-large's 512-token limit: the gateway's tokenizer
 * against the native Hugging Face library through DJL (what the gateway used before) on
 * ordinary bodies, and the gateway's alone on hostile ones, which the native library
 * aborted or stalled on. Not a test: run it on demand (see bench/README.md).
 */
public final class TokenCountBenchmark {

	private static final int LIMIT = 512 + 2;

	private static final int ROUNDS = 7;

	private static final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

	private TokenCountBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		System.setProperty("RUST_FLAVOR", "cpu");
		byte[] englishJson = WordPieceTokenizerTests.resource("bge-small-en-v1.5-q-tokenizer.json");
		byte[] chineseJson = WordPieceTokenizerTests.resource("bge-small-zh-v1.5-q-tokenizer.json");
		WordPieceTokenizer english = WordPieceTokenizer.load(englishJson);
		WordPieceTokenizer chinese = WordPieceTokenizer.loadLowercasing(chineseJson);
		Map<String, String> options = Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false");
		try (HuggingFaceTokenizer nativeEnglish = HuggingFaceTokenizer
			.newInstance(new ByteArrayInputStream(englishJson), options)) {
			List<String> sentences = repeat(
					"Retrieval pipelines re-embed mostly unchanged corpora every night, and search services "
							+ "send the same queries again and again; the gateway counts every token. ",
					2048, 2);
			System.out.println("ordinary body, 2048 English inputs of " + sentences.get(0).length() + " chars:");
			report("  gateway", sentences, (text) -> english.count(text, LIMIT));
			report("  native ", sentences, (text) -> nativeEnglish.encode(text).getIds().length);
			List<String> word = List.of("a".repeat(120_000));
			System.out.println("one word of 120,000 letters (the native library stalls in proportion):");
			report("  gateway", word, (text) -> english.count(text, LIMIT));
			report("  native ", word, (text) -> nativeEnglish.encode(text).getIds().length);
		}
		Map<String, String> hostile = new LinkedHashMap<>();
		hostile.put("4,194,304 x 中 (aborted the JVM)", "中".repeat(4_194_304));
		hostile.put("12,000,000 x '.'", ".".repeat(12_000_000));
		hostile.put("one word of 12,000,000 letters", "a".repeat(12_000_000));
		hostile.put("one word of 6,000,000 x é", "é".repeat(6_000_000));
		hostile.put("one word of 3,000,000 emoji", "😀".repeat(3_000_000));
		hostile.put("6,000,000 x space and zero-width space", " \u200B".repeat(6_000_000));
		System.out.println("hostile single inputs, gateway only:");
		for (Map.Entry<String, String> input : hostile.entrySet()) {
			report("  " + input.getKey() + ", en", List.of(input.getValue()), (text) -> english.count(text, LIMIT));
			report("  " + input.getKey() + ", zh", List.of(input.getValue()), (text) -> chinese.count(text, LIMIT));
		}
		System.out.println("hostile body, gateway only:");
		report("  2048 inputs of 80 words of 99 letters, each word one [UNK] after matching its pieces",
				repeat("ab".repeat(49) + "a\u0378 ", 2048, 80), (text) -> english.count(text, LIMIT));
	}

	private static List<String> repeat(String unit, int inputs, int times) {
		List<String> texts = new ArrayList<>(inputs);
		for (int i = 0; i < inputs; i++) {
			texts.add(unit.repeat(times));
		}
		return texts;
	}

	/** Median CPU milliseconds of this thread over the rounds, the first two left out. */
	private static void report(String name, List<String> inputs, ToIntFunction<String> count) {
		double[] millis = new double[ROUNDS];
		long tokens = 0;
		for (int round = 0; round < ROUNDS + 2; round++) {
			long start = threads.getCurrentThreadCpuTime();
			tokens = 0;
			for (String input : inputs) {
				tokens += count.applyAsInt(input);
			}
			if (round >= 2) {
				millis[round - 2] = (threads.getCurrentThreadCpuTime() - start) / 1e6;
			}
		}
		Arrays.sort(millis);
		System.out.printf("%-95s %9.1f ms CPU (%d tokens)%n", name, millis[ROUNDS / 2], tokens);
	}

}
