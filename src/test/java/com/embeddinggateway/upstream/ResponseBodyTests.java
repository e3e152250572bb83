package com.embeddinggateway.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ResponseBodyTests {

	private final ByteArrayPool pool = new ByteArrayPool(1 << 24);

	@Test
	void spendsMemoryOnBytesThatArriveNotOnTheAnnouncedLength() {
		UpstreamClient.ResponseBody body = new UpstreamClient.ResponseBody(60_000_000, 64 * 1024 * 1024, this.pool);

		assertThat(body.bytes.length).isLessThanOrEqualTo(UpstreamClient.ResponseBody.FIRST_ARRAY_MAX);
	}

	@Test
	void growsPastItsFirstArrayAndKeepsEveryByteInOrder() {
		UpstreamClient.ResponseBody body = new UpstreamClient.ResponseBody(-1, 1 << 20, this.pool);
		byte[] expected = new byte[300_000];
		for (int i = 0; i < expected.length; i++) {
			expected[i] = (byte) (i * 31);
		}
		for (int from = 0; from < expected.length; from += 7_001) {
			ByteBuf chunk = Unpooled.wrappedBuffer(expected, from, Math.min(7_001, expected.length - from));
			assertThat(body.append(chunk)).isTrue();
		}

		assertThat(body.length).isEqualTo(expected.length);
		assertThat(body.copy()).isEqualTo(expected);
	}

	@Test
	void refusesTheChunkThatWouldPassTheLimit() {
		UpstreamClient.ResponseBody body = new UpstreamClient.ResponseBody(-1, 10_000, this.pool);

		assertThat(body.append(Unpooled.wrappedBuffer(new byte[10_000]))).isTrue();
		assertThat(body.append(Unpooled.wrappedBuffer(new byte[1]))).isFalse();
		assertThat(body.length).isEqualTo(10_000);
	}

}
