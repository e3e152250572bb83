package com.embeddinggateway.tokenizer;

import java.util.Arrays;

/**
 * A vocabulary as a trie over code points, for WordPiece's greedy longest match: one step
 * per character read instead of one hash of a new string per candidate length. Edges live
 * in one open-addressing table keyed by (node, code point).
 */
final class VocabularyTrie {

	private static final long EMPTY = -1;

	private long[] keys = new long[1 << 12];

	private int[] children = new int[1 << 12];

	private int edges;

	/** Token id at each node, or -1 where no token ends. */
	private int[] ids = { -1 };

	private int nodes = 1;

	VocabularyTrie() {
		Arrays.fill(this.keys, EMPTY);
	}

	void add(String token, int id) {
		int node = 0;
		for (int i = 0; i < token.length();) {
			int codePoint = token.codePointAt(i);
			i += Character.charCount(codePoint);
			int child = child(node, codePoint);
			if (child < 0) {
				child = newNode();
				put(node, codePoint, child);
			}
			node = child;
		}
		this.ids[node] = id;
	}

	/**
	 * The longest token that {@code text[start..end)} starts with: its id in the low 32
	 * bits and the index after it in the high ones; -1 when none does.
	 */
	long longestMatch(int[] text, int start, int end) {
		long best = -1;
		int node = 0;
		for (int i = start; i < end; i++) {
			node = child(node, text[i]);
			if (node < 0) {
				break;
			}
			if (this.ids[node] >= 0) {
				best = ((long) (i + 1) << 32) | this.ids[node];
			}
		}
		return best;
	}

	private int newNode() {
		if (this.nodes == this.ids.length) {
			this.ids = Arrays.copyOf(this.ids, this.nodes * 2);
		}
		this.ids[this.nodes] = -1;
		return this.nodes++;
	}

	private int child(int node, int codePoint) {
		long key = key(node, codePoint);
		int mask = this.keys.length - 1;
		for (int slot = slot(key, mask);; slot = (slot + 1) & mask) {
			long found = this.keys[slot];
			if (found == key) {
				return this.children[slot];
			}
			if (found == EMPTY) {
				return -1;
			}
		}
	}

	private void put(int node, int codePoint, int child) {
		if ((this.edges + 1) * 2 > this.keys.length) {
			grow();
		}
		long key = key(node, codePoint);
		int mask = this.keys.length - 1;
		int slot = slot(key, mask);
		while (this.keys[slot] != EMPTY) {
			slot = (slot + 1) & mask;
		}
		this.keys[slot] = key;
		this.children[slot] = child;
		this.edges++;
	}

	private void grow() {
		long[] oldKeys = this.keys;
		int[] oldChildren = this.children;
		this.keys = new long[oldKeys.length * 2];
		this.children = new int[oldKeys.length * 2];
		Arrays.fill(this.keys, EMPTY);
		int mask = this.keys.length - 1;
		for (int i = 0; i < oldKeys.length; i++) {
			if (oldKeys[i] != EMPTY) {
				int slot = slot(oldKeys[i], mask);
				while (this.keys[slot] != EMPTY) {
					slot = (slot + 1) & mask;
				}
				this.keys[slot] = oldKeys[i];
				this.children[slot] = oldChildren[i];
			}
		}
	}

	private static long key(int node, int codePoint) {
		return ((long) node << 21) | codePoint;
	}

	private static int slot(long key, int mask) {
		long mixed = key * 0x9E3779B97F4A7C15L;
		return (int) (mixed >>> 40) & mask;
	}

}
