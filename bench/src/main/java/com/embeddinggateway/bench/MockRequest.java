package com.embeddinggateway.bench;

import java.nio.charset.StandardCharsets;

/**
 * The fields of an embeddings request the mock answers from. Read by a single forward
 * scan of the body that counts the inputs and their lengths without building a string per
 * input: the gateway sends thousands of them per second and the mock must stay cheap.
 *
 * @param model the {@code model} as sent
 * @param inputs how many inputs ({@code input} as one string counts as one)
 * @param tokens a token count for {@code usage}: about one per four bytes of text
 * @param dimensions the requested {@code dimensions}, 0 when absent
 * @param base64 whether {@code encoding_format} is {@code base64}
 */
record MockRequest(String model, int inputs, long tokens, int dimensions, boolean base64) {

	/** Vector length per SiliconFlow's model table, overridden by {@code dimensions}. */
	int vectorLength() {
		if (this.dimensions > 0) {
			return this.dimensions;
		}
		return switch (this.model) {
			case "Qwen/Qwen3-Embedding-8B" -> 4096;
			case "Qwen/Qwen3-Embedding-4B" -> 2560;
			case "netease-youdao/bce-embedding-base_v1" -> 768;
			default -> 1024;
		};
	}

	/**
	 * Reads a request body; a malformed or incomplete one is an
	 * {@link IllegalArgumentException}.
	 */
	static MockRequest parse(byte[] body) {
		return new Scan(body).request();
	}

	/** A cursor over JSON bytes that decodes only what the mock needs. */
	private static final class Scan {

		private final byte[] json;

		private int at;

		private String model;

		private int inputs = -1;

		private long tokens;

		private int dimensions;

		private boolean base64;

		Scan(byte[] json) {
			this.json = json;
		}

		MockRequest request() {
			expect('{');
			if (peek() != '}') {
				do {
					String name = string();
					expect(':');
					field(name);
				}
				while (next(',', '}') == ',');
			}
			else {
				this.at++;
			}
			if (this.model == null) {
				throw new IllegalArgumentException("model is required");
			}
			if (this.inputs < 1) {
				throw new IllegalArgumentException("input must be a string or a non-empty array");
			}
			return new MockRequest(this.model, this.inputs, this.tokens, this.dimensions, this.base64);
		}

		private void field(String name) {
			switch (name) {
				case "model" -> this.model = string();
				case "encoding_format" -> this.base64 = "base64".equals(string());
				case "dimensions" -> this.dimensions = dimensions();
				case "input" -> input();
				default -> skipValue();
			}
		}

		private int dimensions() {
			if (peek() == 'n') {
				skipValue();
				return 0;
			}
			int start = this.at;
			skipValue();
			int value = Integer.parseInt(new String(this.json, start, this.at - start, StandardCharsets.US_ASCII));
			if (value < 1 || value > MockVectors.MAX_DIMENSIONS) {
				throw new IllegalArgumentException("dimensions must be 1.." + MockVectors.MAX_DIMENSIONS);
			}
			return value;
		}

		private void input() {
			if (peek() == '"') {
				this.inputs = 1;
				this.tokens = tokens(skipString());
				return;
			}
			expect('[');
			this.inputs = 0;
			if (peek() == ']') {
				this.at++;
				return;
			}
			do {
				this.inputs++;
				// Token-id arrays are counted as one token each; the gateway never sends
				// them.
				this.tokens += (peek() == '"') ? tokens(skipString()) : skipValueCountingOne();
			}
			while (next(',', ']') == ',');
		}

		private long skipValueCountingOne() {
			skipValue();
			return 1;
		}

		private static long tokens(int bytes) {
			return Math.max(1, (bytes + 3) / 4);
		}

		private void skipValue() {
			byte first = peek();
			if (first == '"') {
				skipString();
			}
			else if (first == '{' || first == '[') {
				skipContainer();
			}
			else {
				int start = this.at;
				while (this.at < this.json.length && isScalarByte(this.json[this.at])) {
					this.at++;
				}
				if (this.at == start) {
					throw malformed();
				}
			}
		}

		private void skipContainer() {
			int depth = 0;
			do {
				byte b = peek();
				if (b == '"') {
					skipString();
					continue;
				}
				if (b == '{' || b == '[') {
					depth++;
				}
				else if (b == '}' || b == ']') {
					depth--;
				}
				this.at++;
			}
			while (depth > 0);
		}

		/** Skips a string and returns its length in raw bytes. */
		private int skipString() {
			expect('"');
			int start = this.at;
			while (true) {
				if (this.at >= this.json.length) {
					throw malformed();
				}
				byte b = this.json[this.at++];
				if (b == '\\') {
					this.at++;
				}
				else if (b == '"') {
					return this.at - 1 - start;
				}
			}
		}

		/** A short string, decoded; used for field names and the few string fields. */
		private String string() {
			peek();
			int start = this.at + 1;
			int length = skipString();
			String raw = new String(this.json, start, length, StandardCharsets.UTF_8);
			return (raw.indexOf('\\') < 0) ? raw : unescape(raw);
		}

		private static String unescape(String raw) {
			StringBuilder out = new StringBuilder(raw.length());
			for (int i = 0; i < raw.length(); i++) {
				char c = raw.charAt(i);
				if (c != '\\') {
					out.append(c);
					continue;
				}
				char escaped = raw.charAt(++i);
				switch (escaped) {
					case 'n' -> out.append('\n');
					case 't' -> out.append('\t');
					case 'r' -> out.append('\r');
					case 'b' -> out.append('\b');
					case 'f' -> out.append('\f');
					case 'u' -> {
						out.append((char) Integer.parseInt(raw.substring(i + 1, i + 5), 16));
						i += 4;
					}
					default -> out.append(escaped);
				}
			}
			return out.toString();
		}

		private byte next(char either, char or) {
			byte b = peek();
			if (b != either && b != or) {
				throw malformed();
			}
			this.at++;
			return b;
		}

		private void expect(char c) {
			if (peek() != c) {
				throw malformed();
			}
			this.at++;
		}

		/** The next byte that is not whitespace, without consuming it. */
		private byte peek() {
			while (this.at < this.json.length && isWhitespace(this.json[this.at])) {
				this.at++;
			}
			if (this.at >= this.json.length) {
				throw malformed();
			}
			return this.json[this.at];
		}

		private static boolean isWhitespace(byte b) {
			return b == ' ' || b == '\n' || b == '\r' || b == '\t';
		}

		private static boolean isScalarByte(byte b) {
			return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || b == '-' || b == '+' || b == '.' || b == 'E';
		}

		private IllegalArgumentException malformed() {
			return new IllegalArgumentException("malformed JSON near byte " + this.at);
		}

	}

}
