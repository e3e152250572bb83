package com.embeddinggateway.upstream;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Shares one upstream call's token count among its inputs. The upstream counts tokens per
 * call, not per input: the count is shared out by the texts' UTF-8 lengths, largest
 * remainders first, so the shares of a call add up to its count exactly and a text alone
 * in its call gets its exact count.
 */
public final class TokenShares {

	private TokenShares() {
	}

	public static int[] of(long total, List<String> texts) {
		long[] weights = new long[texts.size()];
		long sum = 0;
		for (int i = 0; i < weights.length; i++) {
			weights[i] = Math.max(1, utf8Length(texts.get(i)));
			sum += weights[i];
		}
		int[] shares = new int[weights.length];
		long given = 0;
		long[] remainders = new long[weights.length];
		for (int i = 0; i < weights.length; i++) {
			shares[i] = (int) (total * weights[i] / sum);
			remainders[i] = total * weights[i] % sum;
			given += shares[i];
		}
		Set<Integer> topped = new HashSet<>();
		for (long left = total - given; left > 0; left--) {
			int largest = -1;
			for (int i = 0; i < weights.length; i++) {
				if (!topped.contains(i) && (largest < 0 || remainders[i] > remainders[largest])) {
					largest = i;
				}
			}
			topped.add(largest);
			shares[largest]++;
		}
		return shares;
	}

	private static int utf8Length(String text) {
		int length = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			length += (c < 0x80) ? 1 : (c < 0x800 || Character.isSurrogate(c)) ? 2 : 3;
		}
		return length;
	}

}
