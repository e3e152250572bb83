package com.embeddinggateway.tokenizer;

import java.text.Normalizer;

import org.jspecify.annotations.Nullable;

/**
 * BERT's normaliser and pre-tokeniser, one code point at a time, as the Hugging Face
 * tokenizers library defines them ({@code normalizers/bert.rs},
 * {@code pre_tokenizers/bert.rs}). Every step of both maps a single code point to zero or
 * more code points, so applying them code point by code point gives what the library
 * gives for the whole text, without ever holding a normalised copy of it.
 */
final class BertText {

	/** What a code point does to the word being read. */
	enum Kind {

		/** Ends the current word and is dropped (whitespace). */
		SPLIT,

		/** Ends the current word and is a word of its own (punctuation). */
		ISOLATED,

		/** Continues the current word. */
		WORD

	}

	private BertText() {
	}

	/**
	 * The code points accent stripping makes of {@code codePoint}: its canonical
	 * decomposition (NFD) without nonspacing marks; null when that is the code point
	 * itself. Decomposing each code point on its own gives what decomposing the text
	 * does, but for the order of combining marks, which stripping removes.
	 */
	static int @Nullable [] stripAccents(int codePoint) {
		if (codePoint < 0x80) {
			return null;
		}
		int[] parts = Normalizer.normalize(Character.toString(codePoint), Normalizer.Form.NFD)
			.codePoints()
			.filter((part) -> !BertCategories.isNonspacingMark(part))
			.toArray();
		return (parts.length == 1 && parts[0] == codePoint) ? null : parts;
	}

	/**
	 * {@code clean_text} drops NUL, U+FFFD and control, format and private use
	 * characters.
	 */
	static boolean isDroppedByCleaning(int codePoint) {
		return codePoint == 0 || codePoint == 0xFFFD
				|| (codePoint != '\t' && codePoint != '\n' && codePoint != '\r' && BertCategories.isOther(codePoint));
	}

	/**
	 * Rust's {@code char::is_whitespace}, the Unicode White_Space property, which is what
	 * both the normaliser and the pre-tokeniser test. Java's
	 * {@link Character#isWhitespace(int)} differs: it excludes no-break spaces and
	 * includes U+001C to U+001F.
	 */
	static boolean isWhitespace(int codePoint) {
		return (codePoint >= 0x09 && codePoint <= 0x0D) || codePoint == 0x20 || codePoint == 0x85 || codePoint == 0xA0
				|| codePoint == 0x1680 || (codePoint >= 0x2000 && codePoint <= 0x200A) || codePoint == 0x2028
				|| codePoint == 0x2029 || codePoint == 0x202F || codePoint == 0x205F || codePoint == 0x3000;
	}

	/** The CJK ideograph blocks around which the normaliser puts spaces. */
	static boolean isChinese(int codePoint) {
		return (codePoint >= 0x4E00 && codePoint <= 0x9FFF) || (codePoint >= 0x3400 && codePoint <= 0x4DBF)
				|| (codePoint >= 0x20000 && codePoint <= 0x2A6DF) || (codePoint >= 0x2A700 && codePoint <= 0x2B73F)
				|| (codePoint >= 0x2B740 && codePoint <= 0x2B81F) || (codePoint >= 0x2B920 && codePoint <= 0x2CEAF)
				|| (codePoint >= 0xF900 && codePoint <= 0xFAFF) || (codePoint >= 0x2F800 && codePoint <= 0x2FA1F);
	}

	/** How the pre-tokeniser treats a normalised code point. */
	static Kind kind(int codePoint) {
		if (isWhitespace(codePoint)) {
			return Kind.SPLIT;
		}
		if (isAsciiPunctuation(codePoint) || BertCategories.isPunctuation(codePoint)) {
			return Kind.ISOLATED;
		}
		return Kind.WORD;
	}

	private static boolean isAsciiPunctuation(int codePoint) {
		return (codePoint >= '!' && codePoint <= '/') || (codePoint >= ':' && codePoint <= '@')
				|| (codePoint >= '[' && codePoint <= '`') || (codePoint >= '{' && codePoint <= '~');
	}

	/**
	 * Rust's {@code char::to_lowercase}: the full lowercase mapping, which differs from
	 * Java's simple one only for U+0130 (capital I with dot above, to "i" and a combining
	 * dot). Written into {@code out}; returns how many code points.
	 */
	static int lowercase(int codePoint, int[] out) {
		if (codePoint == 0x130) {
			out[0] = 'i';
			out[1] = 0x307;
			return 2;
		}
		out[0] = Character.toLowerCase(codePoint);
		return 1;
	}

}
