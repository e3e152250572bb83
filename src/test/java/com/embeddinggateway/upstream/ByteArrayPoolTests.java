package com.embeddinggateway.upstream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ByteArrayPoolTests {

	@Test
	void roundsSizesUpToPowersOfTwo() {
		ByteArrayPool pool = new ByteArrayPool(1 << 20);

		assertThat(pool.take(0)).hasSize(ByteArrayPool.MIN_SIZE);
		assertThat(pool.take(ByteArrayPool.MIN_SIZE)).hasSize(ByteArrayPool.MIN_SIZE);
		assertThat(pool.take(ByteArrayPool.MIN_SIZE + 1)).hasSize(2 * ByteArrayPool.MIN_SIZE);
		assertThat(pool.take(406_445)).hasSize(512 * 1024);
		assertThat(pool.take(ByteArrayPool.MAX_SIZE)).hasSize(ByteArrayPool.MAX_SIZE);
		assertThat(pool.take(ByteArrayPool.MAX_SIZE + 1)).hasSize(ByteArrayPool.MAX_SIZE + 1);
	}

	@Test
	void reusesAnArrayGivenBackForTheSameSizeClass() {
		ByteArrayPool pool = new ByteArrayPool(1 << 20);
		byte[] first = pool.take(300_000);
		pool.give(first);

		assertThat(pool.take(100 * 1024)).as("a smaller class").isNotSameAs(first);
		assertThat(pool.take(400_000)).isSameAs(first);
		assertThat(pool.take(400_000)).as("taken only once").isNotSameAs(first);
		assertThat(pool.pooledBytes()).isZero();
	}

	@Test
	void keepsNoMoreThanItsLimitAndOnlyItsOwnSizes() {
		ByteArrayPool pool = new ByteArrayPool(2 * ByteArrayPool.MIN_SIZE);

		pool.give(new byte[ByteArrayPool.MIN_SIZE]);
		pool.give(new byte[ByteArrayPool.MIN_SIZE]);
		pool.give(new byte[ByteArrayPool.MIN_SIZE]);
		pool.give(new byte[ByteArrayPool.MIN_SIZE + 1]);
		pool.give(new byte[16]);

		assertThat(pool.pooledBytes()).isEqualTo(2 * ByteArrayPool.MIN_SIZE);
	}

	@Test
	void aReleasedBatchGivesItsArrayBackOnce() {
		ByteArrayPool pool = new ByteArrayPool(1 << 20);
		byte[] body = pool.take(10);
		byte[] json = "{\"data\":[{\"index\":0,\"embedding\":[1.5,-0]}]}".getBytes();
		System.arraycopy(json, 0, body, 0, json.length);
		UpstreamBatch batch = UpstreamResponseParser.parse(body, json.length, pool, 1, 0, "m");

		assertThat(batch.floats(0)).containsExactly(1.5f, -0.0f);
		batch.release();
		batch.release();

		assertThat(pool.pooledBytes()).isEqualTo(body.length);
		assertThat(pool.take(10)).isSameAs(body);
		assertThat(pool.take(10)).isNotSameAs(body);
	}

}
