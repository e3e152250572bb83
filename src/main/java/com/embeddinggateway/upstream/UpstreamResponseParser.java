package com.embeddinggateway.upstream;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * Reads an OpenAI-shaped embeddings answer in one pass over its bytes, without turning
 * any component into an object. Each {@code embedding} array is checked number by number
 * against JSON's number grammar and recorded as a slice of the body; everything else is
 * skipped structurally. Anything incomplete or malformed, or a vector of another length
 * than the one asked for, is a {@link UpstreamFailure.BadResponse}, never a partial
 * result.
 * <p>
 * Hand-written because a general JSON tokenizer spends most of its time building number
 * tokens the gateway only copies (measured: Jackson dominated the CPU profile even with
 * {@code skipChildren()}).
 */
final class UpstreamResponseParser {

	private static final VarHandle LITTLE_ENDIAN_LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
			ByteOrder.LITTLE_ENDIAN);

	private final byte[] body;

	/** Where the answer ends: its array may be longer. */
	private final int end;

	private final String model;

	private final @Nullable ByteArrayPool owner;

	/** The length every vector must have, or 0 when unknown. */
	private final int vectorLength;

	private int pos;

	private UpstreamResponseParser(byte[] body, int end, @Nullable ByteArrayPool owner, int vectorLength,
			String model) {
		this.body = body;
		this.end = end;
		this.owner = owner;
		this.vectorLength = vectorLength;
		this.model = model;
	}

	static UpstreamBatch parse(byte[] body, int expected, int vectorLength, String model) {
		return new UpstreamResponseParser(body, body.length, null, vectorLength, model).read(expected);
	}

	/**
	 * Reads the answer in the first {@code length} bytes of {@code body}, an array from
	 * {@code owner} that the batch gives back when it is released: {@code expected}
	 * vectors of {@code vectorLength} numbers each (any common length when 0).
	 */
	static UpstreamBatch parse(byte[] body, int length, ByteArrayPool owner, int expected, int vectorLength,
			String model) {
		return new UpstreamResponseParser(body, length, owner, vectorLength, model).read(expected);
	}

	private UpstreamBatch read(int expected) {
		int[] starts = new int[expected];
		int[] ends = new int[expected];
		Arrays.fill(starts, -1);
		int dimensions = -1;
		long promptTokens = 0;
		long totalTokens = 0;
		boolean sawData = false;
		expect('{');
		if (!tryConsume('}')) {
			do {
				String name = readName();
				if ("data".equals(name) && peek() == '[') {
					sawData = true;
					dimensions = readData(starts, ends, expected);
				}
				else if ("usage".equals(name) && peek() == '{') {
					this.pos++;
					if (!tryConsume('}')) {
						do {
							String field = readName();
							if ("prompt_tokens".equals(field)) {
								promptTokens = readLong();
							}
							else if ("total_tokens".equals(field)) {
								totalTokens = readLong();
							}
							else {
								skipValue(0);
							}
						}
						while (tryConsume(','));
						expect('}');
					}
				}
				else {
					skipValue(0);
				}
			}
			while (tryConsume(','));
			expect('}');
		}
		skipWhitespace();
		if (this.pos != this.end) {
			throw bad("has trailing content");
		}
		if (!sawData) {
			throw bad("has no data array");
		}
		return new UpstreamBatch(this.body, starts, ends, dimensions, (promptTokens > 0) ? promptTokens : totalTokens,
				this.owner);
	}

	/** Reads the data array; returns the common vector length. */
	private int readData(int[] starts, int[] ends, int expected) {
		expect('[');
		int dimensions = -1;
		int position = 0;
		if (!tryConsume(']')) {
			do {
				if (position == expected) {
					throw bad("has more vectors than inputs");
				}
				expect('{');
				int index = position;
				int start = -1;
				int end = -1;
				if (!tryConsume('}')) {
					do {
						String name = readName();
						if ("embedding".equals(name)) {
							if (peek() != '[') {
								throw bad("has an embedding that is not an array of numbers");
							}
							start = this.pos;
							int count = readNumberArray();
							end = this.pos;
							if (count == 0 || (dimensions >= 0 && count != dimensions)) {
								throw bad("has vectors of different lengths");
							}
							if (this.vectorLength > 0 && count != this.vectorLength) {
								throw bad("has vectors of " + count + " numbers, not the " + this.vectorLength
										+ " asked for");
							}
							dimensions = count;
						}
						else if ("index".equals(name)) {
							long value = readLong();
							index = (value >= 0 && value < expected) ? (int) value : -1;
						}
						else {
							skipValue(0);
						}
					}
					while (tryConsume(','));
					expect('}');
				}
				if (start < 0) {
					throw bad("has an item without an embedding");
				}
				if (index < 0 || starts[index] >= 0) {
					throw bad("repeats or skips a vector index");
				}
				starts[index] = start;
				ends[index] = end;
				position++;
			}
			while (tryConsume(','));
			expect(']');
		}
		if (position != expected) {
			throw bad("has " + position + " vectors for " + expected + " inputs");
		}
		return dimensions;
	}

	/**
	 * Reads {@code [n, n, ...]}, checking each number against JSON's grammar; returns how
	 * many. This loop runs over every byte of every vector, so it keeps its position in a
	 * local and takes the common {@code digits,digits} path without calls.
	 */
	private int readNumberArray() {
		byte[] b = this.body;
		int n = this.end;
		int p = whitespace(b, this.pos + 1);
		if (p < n && b[p] == ']') {
			this.pos = p + 1;
			return 0;
		}
		int count = 0;
		while (true) {
			p = number(b, p);
			count++;
			if (p < n && b[p] == ',') {
				p++;
				if (p < n && b[p] <= ' ') {
					p = whitespace(b, p);
				}
				continue;
			}
			p = whitespace(b, p);
			if (p >= n) {
				throw bad("ends too early");
			}
			if (b[p] == ']') {
				this.pos = p + 1;
				return count;
			}
			if (b[p] != ',') {
				throw bad("has an embedding that is not an array of numbers");
			}
			p = whitespace(b, p + 1);
		}
	}

	/** The position after the number at {@code p}, or a failure if there is none. */
	private int number(byte[] b, int p) {
		int n = this.end;
		if (p >= n) {
			throw bad("ends too early");
		}
		// One past a minus sign, without a branch: the signs of a vector's numbers are
		// random.
		p += (((b[p] & 0xFF) ^ '-') - 1) >>> 31;
		if (p >= n) {
			throw bad("ends too early");
		}
		int c = b[p];
		if (c == '0') {
			p++;
		}
		else if (c >= '1' && c <= '9') {
			p = digits(b, p + 1, n);
		}
		else {
			throw bad("has an embedding that is not an array of numbers");
		}
		if (p < n && b[p] == '.') {
			int start = p + 1;
			p = digits(b, start, n);
			if (p == start) {
				throw bad("has a malformed number");
			}
		}
		if (p < n && ((c = b[p]) == 'e' || c == 'E')) {
			p++;
			if (p < n && ((c = b[p]) == '+' || c == '-')) {
				p++;
			}
			int start = p;
			p = digits(b, start, n);
			if (p == start) {
				throw bad("has a malformed number");
			}
		}
		return p;
	}

	/**
	 * The position of the first byte at or after {@code p} that is not an ASCII digit, or
	 * {@code n}. Eight bytes at a time: a vector's numbers are mostly runs of seven to
	 * ten fraction digits, and a loop over single bytes paid a branch for each.
	 */
	static int digits(byte[] b, int p, int n) {
		while (p <= n - Long.BYTES) {
			int run = leadingDigits((long) LITTLE_ENDIAN_LONGS.get(b, p));
			if (run < Long.BYTES) {
				return p + run;
			}
			p += Long.BYTES;
		}
		while (p < n && b[p] >= '0' && b[p] <= '9') {
			p++;
		}
		return p;
	}

	/**
	 * How many of the word's bytes, from its first, are ASCII digits: 0 to 8. The top bit
	 * is set in each byte below '0' or above '9'; borrows and carries disturb only the
	 * bytes after the first such byte, which are not counted anyway.
	 */
	private static int leadingDigits(long word) {
		long notDigits = ((word - 0x3030303030303030L) | (word + 0x4646464646464646L)) & 0x8080808080808080L;
		return Long.numberOfTrailingZeros(notDigits) >>> 3;
	}

	private int whitespace(byte[] b, int p) {
		int n = this.end;
		while (p < n && (b[p] == ' ' || b[p] == '\n' || b[p] == '\r' || b[p] == '\t')) {
			p++;
		}
		return p;
	}

	/** {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}, JSON's number grammar. */
	private void skipNumber() {
		this.pos = number(this.body, this.pos);
	}

	private long readLong() {
		skipWhitespace();
		int start = this.pos;
		skipNumber();
		long value = 0;
		for (int p = (this.body[start] == '-') ? start + 1 : start; p < this.pos; p++) {
			if (!isDigit(this.body[p]) || value > Long.MAX_VALUE / 10 - 10) {
				return -1;
			}
			value = value * 10 + (this.body[p] - '0');
		}
		return (this.body[start] == '-') ? -value : value;
	}

	/**
	 * A property name and the colon after it. Names the gateway looks for have no
	 * escapes.
	 */
	private String readName() {
		skipWhitespace();
		if (peekRaw() != '"') {
			throw bad("is not valid JSON");
		}
		int start = this.pos + 1;
		skipString();
		String name = new String(this.body, start, this.pos - 1 - start, java.nio.charset.StandardCharsets.UTF_8);
		expect(':');
		return name;
	}

	private void skipString() {
		byte[] b = this.body;
		int p = this.pos + 1;
		while (p < this.end && b[p] != '"') {
			p += (b[p] == '\\') ? 2 : 1;
		}
		if (p >= this.end) {
			throw bad("is not valid JSON");
		}
		this.pos = p + 1;
	}

	private void skipValue(int depth) {
		if (depth > 64) {
			throw bad("nests too deeply");
		}
		skipWhitespace();
		byte c = peekRaw();
		if (c == '"') {
			skipString();
		}
		else if (c == '{' || c == '[') {
			char close = (c == '{') ? '}' : ']';
			this.pos++;
			if (!tryConsume(close)) {
				do {
					if (c == '{') {
						readName();
					}
					skipValue(depth + 1);
				}
				while (tryConsume(','));
				expect(close);
			}
		}
		else if (c == '-' || isDigit(c)) {
			skipNumber();
		}
		else if (!literal("true") && !literal("false") && !literal("null")) {
			throw bad("is not valid JSON");
		}
	}

	private boolean literal(String word) {
		int end = this.pos + word.length();
		if (end > this.end) {
			return false;
		}
		for (int i = 0; i < word.length(); i++) {
			if (this.body[this.pos + i] != word.charAt(i)) {
				return false;
			}
		}
		this.pos = end;
		return true;
	}

	private void expect(char c) {
		if (!tryConsume(c)) {
			throw bad("is not valid JSON");
		}
	}

	private boolean tryConsume(char c) {
		skipWhitespace();
		if (this.pos < this.end && this.body[this.pos] == c) {
			this.pos++;
			return true;
		}
		return false;
	}

	private byte peek() {
		skipWhitespace();
		return peekRaw();
	}

	private byte peekRaw() {
		if (this.pos >= this.end) {
			throw bad("ends too early");
		}
		return this.body[this.pos];
	}

	private void skipWhitespace() {
		this.pos = whitespace(this.body, this.pos);
	}

	private static boolean isDigit(byte b) {
		return b >= '0' && b <= '9';
	}

	private UpstreamFailure.BadResponse bad(String what) {
		return new UpstreamFailure.BadResponse("Upstream answer for " + this.model + " " + what, 200);
	}

}
