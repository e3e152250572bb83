package com.embeddinggateway.upstream;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Arrays for upstream answers, kept for the next answer once the gateway has copied the
 * vectors out. A new 400 kB array is zeroed by the JVM before it is filled and then left
 * to the collector; reusing it saves both.
 * <p>
 * Sizes are powers of two from {@value #MIN_SIZE} bytes to {@value #MAX_SIZE}; other
 * sizes are plain new arrays. At most {@code maxPooledBytes} wait in the pool. An array
 * that is never given back is simply collected, so forgetting one costs nothing but the
 * reuse.
 */
final class ByteArrayPool {

	static final int MIN_SIZE = 1 << 13;

	static final int MAX_SIZE = 1 << 24;

	private static final int MIN_SHIFT = Integer.numberOfTrailingZeros(MIN_SIZE);

	private final Queue<byte[]>[] free;

	private final AtomicLong pooledBytes = new AtomicLong();

	private final long maxPooledBytes;

	@SuppressWarnings("unchecked")
	ByteArrayPool(long maxPooledBytes) {
		this.maxPooledBytes = maxPooledBytes;
		this.free = new Queue[Integer.numberOfTrailingZeros(MAX_SIZE) - MIN_SHIFT + 1];
		for (int i = 0; i < this.free.length; i++) {
			this.free[i] = new ConcurrentLinkedQueue<>();
		}
	}

	/** An array of at least {@code size} bytes, with whatever an earlier answer left. */
	byte[] take(int size) {
		if (size > MAX_SIZE) {
			return new byte[size];
		}
		int sizeClass = sizeClass(size);
		byte[] array = this.free[sizeClass].poll();
		if (array == null) {
			return new byte[MIN_SIZE << sizeClass];
		}
		this.pooledBytes.addAndGet(-array.length);
		return array;
	}

	/** Gives back an array that nothing reads any more. */
	void give(byte[] array) {
		int length = array.length;
		if (length < MIN_SIZE || length > MAX_SIZE || Integer.bitCount(length) != 1) {
			return;
		}
		if (this.pooledBytes.addAndGet(length) > this.maxPooledBytes) {
			this.pooledBytes.addAndGet(-length);
			return;
		}
		this.free[sizeClass(length)].offer(array);
	}

	long pooledBytes() {
		return this.pooledBytes.get();
	}

	private static int sizeClass(int size) {
		int shift = (size <= MIN_SIZE) ? MIN_SHIFT : 32 - Integer.numberOfLeadingZeros(size - 1);
		return shift - MIN_SHIFT;
	}

}
