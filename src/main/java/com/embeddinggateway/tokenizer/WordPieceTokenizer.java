package com.embeddinggateway.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A BERT WordPiece tokenizer read from a Hugging Face {@code tokenizer.json}, giving the
 * ids the Hugging Face tokenizers library gives for it (its BERT normaliser, BERT
 * pre-tokeniser, WordPiece model and {@code [CLS] $A [SEP]} template), in pure Java.
 * <p>
 * Its cost is bounded by the tokens asked for, not by the text: it reads the text once,
 * code point by code point, never copies it, and stops as soon as it has found more
 * tokens than the caller's limit. A code point seen once costs a table read afterwards;
 * the work that grows with tokens (matching word pieces) stops with them. A text of
 * millions of characters costs one pass over it at worst, and no native code ever sees
 * it: the native tokenizer this replaces aborted the whole process on one 12 MB text.
 */
public final class WordPieceTokenizer {

	/** Encoded in {@link #classes}: not yet looked at. */
	private static final int UNKNOWN = 0;

	/** Normalises to nothing. */
	private static final int DROPPED = -1;

	/** Normalises to whitespace: ends the word and is dropped. */
	private static final int SPLIT = -2;

	/** Anything else but a single word character: punctuation, CJK, decompositions. */
	private static final int COMPLEX = -3;

	/** Normalises to several code points that all continue a word (Hangul, say). */
	private static final int WORD_SEVERAL = -4;

	private final boolean cleanText;

	private final boolean chineseChars;

	private final boolean stripAccents;

	private final boolean lowercase;

	private final VocabularyTrie words;

	private final VocabularyTrie continuations;

	private final int unknownId;

	private final int clsId;

	private final int sepId;

	private final int maxCharsPerWord;

	private final String[] addedTokens;

	private final int[] addedIds;

	/**
	 * What each code point normalises to, filled as code points are first seen: pages of
	 * 256 code points, a page made when one of its code points is first needed. Each
	 * entry is {@link #UNKNOWN}, a negative class, or one more than the single word
	 * character it becomes. Threads that race to fill an entry compute the same value, so
	 * no lock is needed.
	 */
	private final int[][] classes = new int[(Character.MAX_CODE_POINT + 1) >> 8][];

	/** {@link #classes} of ASCII, read on the hot path without a page lookup. */
	private final int[] ascii = new int[0x80];

	private WordPieceTokenizer(JsonNode root, boolean forceLowercase) {
		JsonNode normalizer = root.path("normalizer");
		JsonNode model = root.path("model");
		require("BertNormalizer".equals(normalizer.path("type").asString("")), "a BertNormalizer");
		require("BertPreTokenizer".equals(root.path("pre_tokenizer").path("type").asString("")), "a BertPreTokenizer");
		require("WordPiece".equals(model.path("type").asString("")), "a WordPiece model");
		this.cleanText = normalizer.path("clean_text").asBoolean(true);
		this.chineseChars = normalizer.path("handle_chinese_chars").asBoolean(true);
		this.lowercase = forceLowercase || normalizer.path("lowercase").asBoolean(true);
		JsonNode strip = normalizer.path("strip_accents");
		// Unset means "as lowercase", as in BERT's BasicTokenizer with do_lower_case.
		this.stripAccents = (strip.isNull() || strip.isMissingNode()) ? this.lowercase : strip.asBoolean();
		String prefix = model.path("continuing_subword_prefix").asString("##");
		this.maxCharsPerWord = model.path("max_input_chars_per_word").asInt(100);
		this.words = new VocabularyTrie();
		this.continuations = new VocabularyTrie();
		for (Map.Entry<String, JsonNode> token : model.path("vocab").properties()) {
			String text = token.getKey();
			int id = token.getValue().asInt();
			if (text.startsWith(prefix) && text.length() > prefix.length()) {
				this.continuations.add(text.substring(prefix.length()), id);
			}
			this.words.add(text, id);
		}
		this.unknownId = idOf(model, model.path("unk_token").asString("[UNK]"));
		this.clsId = idOf(model, "[CLS]");
		this.sepId = idOf(model, "[SEP]");
		List<String> added = new ArrayList<>();
		List<Integer> ids = new ArrayList<>();
		for (JsonNode token : root.path("added_tokens")) {
			// BERT's special tokens are matched in the raw text, whole, wherever they
			// stand; the other forms the library allows are not needed here.
			require(!token.path("normalized").asBoolean(true) && !token.path("single_word").asBoolean(false)
					&& !token.path("lstrip").asBoolean(false) && !token.path("rstrip").asBoolean(false),
					"added tokens matched as they are");
			added.add(token.path("content").asString());
			ids.add(token.path("id").asInt());
		}
		this.addedTokens = added.toArray(String[]::new);
		this.addedIds = ids.stream().mapToInt(Integer::intValue).toArray();
		for (char c = 0; c < 0x80; c++) {
			this.ascii[c] = classOf(c);
		}
	}

	/** Reads a {@code tokenizer.json} as it is. */
	public static WordPieceTokenizer load(byte[] tokenizerJson) {
		return new WordPieceTokenizer(JsonMapper.builder().build().readTree(tokenizerJson), false);
	}

	/**
	 * Reads a {@code tokenizer.json} with its normaliser's lowercasing switched on (and
	 * with it accent stripping, when the file leaves that unset).
	 */
	public static WordPieceTokenizer loadLowercasing(byte[] tokenizerJson) {
		return new WordPieceTokenizer(JsonMapper.builder().build().readTree(tokenizerJson), true);
	}

	private static void require(boolean condition, String what) {
		if (!condition) {
			throw new IllegalArgumentException("Not a BERT WordPiece tokenizer.json: it needs " + what);
		}
	}

	private static int idOf(JsonNode model, String token) {
		JsonNode id = model.path("vocab").path(token);
		require(id.isIntegralNumber(), "the token " + token + " in its vocabulary");
		return id.asInt();
	}

	/**
	 * The number of tokens the model reads for {@code text}, {@code [CLS]} and
	 * {@code [SEP]} included, if at most {@code atMost}; otherwise {@code atMost + 1},
	 * found without reading further than needed.
	 */
	public int count(String text, int atMost) {
		return new Encoding(atMost, null).run(text);
	}

	/**
	 * Token ids as the model reads them, {@code [CLS]} first and {@code [SEP]} last, or
	 * null when there are more than {@code atMost}.
	 */
	public long @Nullable [] ids(String text, int atMost) {
		Encoding encoding = new Encoding(atMost, new long[Math.max(2, Math.min(atMost, 64))]);
		int count = encoding.run(text);
		return (count > atMost) ? null : Arrays.copyOf(encoding.ids, count);
	}

	/** One pass over a text: the word being read and the tokens found so far. */
	private final class Encoding {

		private final int atMost;

		private long @Nullable [] ids;

		private int tokens;

		/** The current word's code points, while it is short enough to match. */
		private final int[] word = new int[WordPieceTokenizer.this.maxCharsPerWord + 1];

		/** Its length in code points, which may pass the array's. */
		private int length;

		private final int[] scratch = new int[2];

		Encoding(int atMost, long @Nullable [] ids) {
			this.atMost = atMost;
			this.ids = ids;
		}

		/** Tokens in all, or {@code atMost + 1} if there are more. */
		int run(String text) {
			emit(WordPieceTokenizer.this.clsId);
			int i = 0;
			while (i < text.length() && !full()) {
				// Between words, and inside a word already too long to match (one [UNK]
				// whatever else it holds), most characters change nothing: step over them
				// on the table alone.
				i = skipInert(text, i);
				if (i == text.length()) {
					break;
				}
				char c = text.charAt(i);
				if (c == '[') {
					int added = addedTokenAt(text, i);
					if (added >= 0) {
						endWord();
						emit(WordPieceTokenizer.this.addedIds[added]);
						i += WordPieceTokenizer.this.addedTokens[added].length();
						continue;
					}
				}
				int codePoint = c;
				if (Character.isHighSurrogate(c) && i + 1 < text.length()
						&& Character.isLowSurrogate(text.charAt(i + 1))) {
					codePoint = Character.toCodePoint(c, text.charAt(i + 1));
					i += 2;
				}
				else {
					// A lone surrogate cannot cross into the library's Rust strings; it
					// arrives there as the replacement character, which cleaning drops.
					codePoint = Character.isSurrogate(c) ? 0xFFFD : c;
					i++;
				}
				feed(codePoint);
			}
			endWord();
			emit(WordPieceTokenizer.this.sepId);
			return Math.min(this.tokens, this.atMost + 1);
		}

		/**
		 * The index of the first character from {@code from} on that can change the
		 * tokens: a separator or a dropped character between words, a word character or a
		 * dropped one in an over-long word, can not.
		 */
		private int skipInert(String text, int from) {
			boolean between = this.length == 0;
			boolean overlong = this.length > WordPieceTokenizer.this.maxCharsPerWord;
			if (!between && !overlong) {
				return from;
			}
			int i = from;
			while (i < text.length()) {
				char c = text.charAt(i);
				if (c == '[' || Character.isSurrogate(c)) {
					return i;
				}
				int kind = (c < 0x80) ? WordPieceTokenizer.this.ascii[c] : classOf(c);
				boolean inert = (kind == DROPPED) || (between ? kind == SPLIT : (kind > 0 || kind == WORD_SEVERAL));
				if (!inert) {
					return i;
				}
				i++;
			}
			return i;
		}

		private boolean full() {
			// One place is always kept for [SEP].
			return this.tokens + 1 > this.atMost;
		}

		private void feed(int codePoint) {
			int kind = (codePoint < 0x80) ? WordPieceTokenizer.this.ascii[codePoint] : classOf(codePoint);
			if (kind > 0) {
				append(kind - 1);
			}
			else if (kind == SPLIT) {
				endWord();
			}
			else if (kind == WORD_SEVERAL && this.length > WordPieceTokenizer.this.maxCharsPerWord) {
				this.length++;
			}
			else if (kind != DROPPED) {
				normalise(codePoint);
			}
		}

		/**
		 * The normaliser's steps, in its order, for a code point that needs more than a
		 * table.
		 */
		private void normalise(int codePoint) {
			boolean chinese = WordPieceTokenizer.this.chineseChars && BertText.isChinese(codePoint);
			if (chinese) {
				endWord();
			}
			int @Nullable [] stripped = WordPieceTokenizer.this.stripAccents ? BertText.stripAccents(codePoint) : null;
			if (stripped == null) {
				lowercased(codePoint);
			}
			else {
				for (int part : stripped) {
					lowercased(part);
				}
			}
			if (chinese) {
				endWord();
			}
		}

		private void lowercased(int codePoint) {
			if (!WordPieceTokenizer.this.lowercase) {
				preTokenise(codePoint);
				return;
			}
			int parts = BertText.lowercase(codePoint, this.scratch);
			for (int j = 0; j < parts; j++) {
				preTokenise(this.scratch[j]);
			}
		}

		private void preTokenise(int codePoint) {
			switch (BertText.kind(codePoint)) {
				case SPLIT -> endWord();
				case ISOLATED -> {
					endWord();
					append(codePoint);
					endWord();
				}
				case WORD -> append(codePoint);
			}
		}

		private void append(int codePoint) {
			if (this.length < this.word.length) {
				this.word[this.length] = codePoint;
			}
			this.length++;
		}

		/** WordPiece on the word just read: greedy longest match, or one [UNK]. */
		private void endWord() {
			int length = this.length;
			if (length == 0) {
				return;
			}
			this.length = 0;
			if (length > WordPieceTokenizer.this.maxCharsPerWord) {
				emit(WordPieceTokenizer.this.unknownId);
				return;
			}
			int mark = this.tokens;
			int start = 0;
			while (start < length) {
				VocabularyTrie trie = (start == 0) ? WordPieceTokenizer.this.words
						: WordPieceTokenizer.this.continuations;
				long match = trie.longestMatch(this.word, start, length);
				if (match < 0) {
					// A piece that matches nothing makes the whole word one [UNK].
					this.tokens = mark;
					emit(WordPieceTokenizer.this.unknownId);
					return;
				}
				// Even past the limit the word is read to its end: it may still turn
				// out to be one [UNK], and at most its hundred characters are left.
				emit((int) match);
				start = (int) (match >>> 32);
			}
		}

		private void emit(int id) {
			if (this.ids != null) {
				if (this.tokens == this.ids.length) {
					this.ids = Arrays.copyOf(this.ids, Math.min(this.atMost + 1, this.ids.length * 2));
				}
				if (this.tokens < this.ids.length) {
					this.ids[this.tokens] = id;
				}
			}
			this.tokens++;
		}

	}

	private int addedTokenAt(String text, int at) {
		int best = -1;
		for (int i = 0; i < this.addedTokens.length; i++) {
			if (text.startsWith(this.addedTokens[i], at)
					&& (best < 0 || this.addedTokens[i].length() > this.addedTokens[best].length())) {
				best = i;
			}
		}
		return best;
	}

	/**
	 * What {@code codePoint} normalises to, from the table or worked out and put there:
	 * one more than a single word character, or a negative class.
	 */
	private int classOf(int codePoint) {
		int[] page = this.classes[codePoint >> 8];
		if (page == null) {
			page = new int[256];
			this.classes[codePoint >> 8] = page;
		}
		int kind = page[codePoint & 0xFF];
		if (kind == UNKNOWN) {
			kind = classify(codePoint);
			page[codePoint & 0xFF] = kind;
		}
		return kind;
	}

	private int classify(int codePoint) {
		if (this.cleanText) {
			if (BertText.isDroppedByCleaning(codePoint)) {
				return DROPPED;
			}
			if (BertText.isWhitespace(codePoint)) {
				return SPLIT;
			}
		}
		if (this.chineseChars && BertText.isChinese(codePoint)) {
			return COMPLEX;
		}
		int @Nullable [] parts = this.stripAccents ? BertText.stripAccents(codePoint) : null;
		if (parts == null) {
			parts = new int[] { codePoint };
		}
		int[] lowered = new int[2];
		int count = 0;
		int single = -1;
		for (int part : parts) {
			int n = this.lowercase ? BertText.lowercase(part, lowered) : 1;
			if (!this.lowercase) {
				lowered[0] = part;
			}
			for (int j = 0; j < n; j++) {
				BertText.Kind kind = BertText.kind(lowered[j]);
				if (kind == BertText.Kind.SPLIT && parts.length == 1 && n == 1) {
					return SPLIT;
				}
				if (kind != BertText.Kind.WORD) {
					return COMPLEX;
				}
				single = lowered[j];
				count++;
			}
		}
		return switch (count) {
			case 0 -> DROPPED;
			case 1 -> single + 1;
			default -> WORD_SEVERAL;
		};
	}

}
