package com.embeddinggateway.catalog;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBoundsTests {

	@Test
	void countsWhitespaceSeparatedWords() {
		assertThat(TokenBounds.atLeast("hello world")).isEqualTo(2);
		assertThat(TokenBounds.atLeast("  hello \t\n world  ")).isEqualTo(2);
		assertThat(TokenBounds.atLeast("   ")).isZero();
		assertThat(TokenBounds.atLeast("")).isZero();
	}

	@Test
	void countsUnicodeSpacesThatEveryTokenizerSplitsAt() {
		assertThat(TokenBounds.atLeast("a\u00a0b\u3000c")).isEqualTo(3);
	}

	@Test
	void doesNotSplitAtControlCharactersBertDeletes() {
		// BERT's tokenizer removes form feed and vertical tab, joining "a" and "b" into
		// one word.
		assertThat(TokenBounds.atLeast("a\fb\u000bc\u001cd")).isEqualTo(1);
	}

	@Test
	void countsUnspacedChineseAsOneWordToStayALowerBound() {
		assertThat(TokenBounds.atLeast("中国人民银行")).isEqualTo(1);
	}

}
