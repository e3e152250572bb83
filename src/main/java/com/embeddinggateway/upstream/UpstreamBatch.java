package com.embeddinggateway.upstream;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The vectors of one upstream call, in the order of the inputs that were sent. Each
 * vector stays as the bytes of its JSON array inside the upstream's body: a float answer
 * is copied to the caller as it is, and only a base64 answer parses the numbers, straight
 * from those bytes.
 */
public final class UpstreamBatch implements VectorBatch {

	private final byte[] body;

	private final int[] starts;

	private final int[] ends;

	private final int dimensions;

	private final long promptTokens;

	private @Nullable ByteArrayPool owner;

	UpstreamBatch(byte[] body, int[] starts, int[] ends, int dimensions, long promptTokens) {
		this(body, starts, ends, dimensions, promptTokens, null);
	}

	UpstreamBatch(byte[] body, int[] starts, int[] ends, int dimensions, long promptTokens,
			@Nullable ByteArrayPool owner) {
		this.owner = owner;
		this.body = body;
		this.starts = starts;
		this.ends = ends;
		this.dimensions = dimensions;
		this.promptTokens = promptTokens;
	}

	/**
	 * Vectors computed in process, written once as the JSON a remote upstream would send.
	 */
	public static UpstreamBatch ofVectors(List<float[]> vectors, long promptTokens) {
		ByteArrayOutputStream json = new ByteArrayOutputStream(vectors.size() * 4096);
		int[] starts = new int[vectors.size()];
		int[] ends = new int[vectors.size()];
		for (int i = 0; i < vectors.size(); i++) {
			starts[i] = json.size();
			StringBuilder array = new StringBuilder(vectors.get(i).length * 12).append('[');
			for (float component : vectors.get(i)) {
				array.append((array.length() > 1) ? "," : "").append(component);
			}
			json.writeBytes(array.append(']').toString().getBytes(StandardCharsets.US_ASCII));
			ends[i] = json.size();
		}
		int dimensions = vectors.isEmpty() ? 0 : vectors.get(0).length;
		return new UpstreamBatch(json.toByteArray(), starts, ends, dimensions, promptTokens);
	}

	/**
	 * Vectors {@code [from, to)} of this batch, which counted {@code tokens}, for one of
	 * the calls merged into this one. The slices share this batch's bytes, which are
	 * therefore never given back for reuse.
	 */
	public UpstreamBatch slice(int from, int to, long tokens) {
		synchronized (this) {
			this.owner = null;
		}
		return new UpstreamBatch(this.body, Arrays.copyOfRange(this.starts, from, to),
				Arrays.copyOfRange(this.ends, from, to), this.dimensions, tokens);
	}

	@Override
	public int size() {
		return this.starts.length;
	}

	@Override
	public int dimensions() {
		return this.dimensions;
	}

	@Override
	public long promptTokens() {
		return this.promptTokens;
	}

	@Override
	public int jsonLength(int i) {
		return this.ends[i] - this.starts[i];
	}

	/**
	 * Gives the answer's bytes back for reuse, once they have been copied into the
	 * gateway's answer. Nothing may read this batch afterwards; calling it again does
	 * nothing.
	 */
	@Override
	public void release() {
		ByteArrayPool pool;
		synchronized (this) {
			pool = this.owner;
			this.owner = null;
		}
		if (pool != null) {
			pool.give(this.body);
		}
	}

	/**
	 * Vector {@code i} as the JSON array the upstream sent: a read-only view of the
	 * answer's bytes, for copying them once into the gateway's own answer.
	 */
	@Override
	public ByteBuffer json(int i) {
		return ByteBuffer.wrap(this.body, this.starts[i], this.ends[i] - this.starts[i]).asReadOnlyBuffer();
	}

	/**
	 * Vector {@code i} as float32 values, each the nearest float to the decimal the
	 * upstream sent ({@code -0} stays negative zero).
	 */
	public float[] floats(int i) {
		byte[] bytes = new byte[this.dimensions * Float.BYTES];
		writeLittleEndian(i, bytes);
		float[] values = new float[this.dimensions];
		ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
		return values;
	}

	/**
	 * Writes vector {@code i} into the first {@code 4 * dimensions()} bytes of
	 * {@code into} as little-endian float32, each the nearest float to the decimal the
	 * upstream sent ({@code -0} stays negative zero). The slice was checked against
	 * JSON's number grammar when it was read, so it holds only numbers, commas and
	 * whitespace.
	 */
	@Override
	public void writeLittleEndian(int i, byte[] into) {
		byte[] b = this.body;
		int p = this.starts[i] + 1;
		int end = this.ends[i] - 1;
		int at = 0;
		while (p < end) {
			byte c = b[p];
			if (c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t') {
				p++;
			}
			else {
				p = JsonFloat.read(b, p, end, into, at);
				at += Float.BYTES;
			}
		}
	}

}
