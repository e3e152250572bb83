package com.embeddinggateway.bench;

import java.nio.charset.StandardCharsets;
import java.util.function.LongFunction;

import io.netty.buffer.ByteBuf;

/**
 * Writes SiliconFlow's embeddings answer (the OpenAI shape) for a request: one copy of a
 * precomputed vector text per input, so the cost is a memory copy and nothing else.
 */
final class MockResponse {

	private static final byte[] ITEM_START = utf8("{\"object\":\"embedding\",\"index\":");

	private static final byte[] ITEM_EMBEDDING = utf8(",\"embedding\":");

	private MockResponse() {
	}

	/**
	 * Appends the whole body to {@code out}, which grows as needed. Input {@code i} gets
	 * the mock's vector {@code first + i}: callers pass a running count, so answers vary
	 * from one request to the next as they do from one text to the next.
	 */
	static void write(MockRequest request, MockVectors vectors, long first, ByteBuf out) {
		int dimensions = request.vectorLength();
		LongFunction<byte[]> vector = request.base64() ? (which) -> vectors.base64Json(dimensions, which)
				: (which) -> vectors.floatJson(dimensions, which);
		out.ensureWritable(
				request.inputs() * (vector.apply(first).length + ITEM_START.length + ITEM_EMBEDDING.length + 8) + 256);
		out.writeBytes(utf8("{\"object\":\"list\",\"model\":" + quoted(request.model()) + ",\"data\":["));
		for (int i = 0; i < request.inputs(); i++) {
			if (i > 0) {
				out.writeByte(',');
			}
			out.writeBytes(ITEM_START);
			out.writeBytes(utf8(Integer.toString(i)));
			out.writeBytes(ITEM_EMBEDDING);
			out.writeBytes(vector.apply(first + i));
			out.writeByte('}');
		}
		long tokens = request.tokens();
		out.writeBytes(utf8("],\"usage\":{\"prompt_tokens\":" + tokens + ",\"completion_tokens\":0,\"total_tokens\":"
				+ tokens + "}}"));
	}

	/** SiliconFlow's error shape for a request it refuses (code 20015: bad parameter). */
	static byte[] badRequest(String message) {
		return ("{\"code\":20015,\"message\":" + quoted(message) + ",\"data\":null}").getBytes(StandardCharsets.UTF_8);
	}

	static String quoted(String text) {
		StringBuilder out = new StringBuilder(text.length() + 2).append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '"' || c == '\\') {
				out.append('\\').append(c);
			}
			else if (c < 0x20) {
				out.append(String.format("\\u%04x", (int) c));
			}
			else {
				out.append(c);
			}
		}
		return out.append('"').toString();
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
