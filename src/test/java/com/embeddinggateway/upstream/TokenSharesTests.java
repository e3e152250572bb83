package com.embeddinggateway.upstream;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenSharesTests {

	@Test
	void givesATextAloneInItsCallTheWholeCount() {
		assertThat(TokenShares.of(17, List.of("anything at all"))).containsExactly(17);
	}

	@Test
	void sharesACallsTokensByTextLengthAddingUpToTheCount() {
		int[] shares = TokenShares.of(10, List.of("aaaa", "aa", "aaaa", "a"));

		assertThat(shares).containsExactly(4, 2, 3, 1);
		assertThat(shares[0] + shares[1] + shares[2] + shares[3]).isEqualTo(10);
	}

	@Test
	void countsNonAsciiTextsByTheirUtf8Bytes() {
		assertThat(TokenShares.of(4, List.of("ab", "\u4e2d"))).containsExactly(2, 2);
	}

}
