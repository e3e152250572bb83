package com.embeddinggateway.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.embeddinggateway.FakeSiliconFlow;
import com.embeddinggateway.GatewayClient;
import com.embeddinggateway.api.EmbeddingsApiIntegrationTests.Reply;
import com.github.tomakehurst.wiremock.http.Fault;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What callers get when the upstream's answer arrives in pieces, breaks off or stalls:
 * every vector exactly as sent in the first case, an error in the OpenAI envelope in the
 * others, and never a partial 200.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UpstreamFaultsIntegrationTests {

	static final FakeSiliconFlow upstream = new FakeSiliconFlow();

	static final PiecewiseUpstream piecewise = new PiecewiseUpstream(false);

	static final PiecewiseUpstream truncating = new PiecewiseUpstream(true);

	static final JsonMapper json = JsonMapper.builder().build();

	static final int DIMENSIONS = 256;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void gateway(DynamicPropertyRegistry registry) {
		upstream.register(registry);
		registry.add("gateway.resilience.retry.max-attempts", () -> "1");
		registry.add("gateway.resilience.breaker.sliding-window-size", () -> "1000");
		registry.add("gateway.resilience.breaker.minimum-number-of-calls", () -> "1000");
		// Only the stalled upstream comes near this: the others' pieces are a millisecond
		// apart, and the timeout is the time between two reads.
		registry.add("gateway.http-client.response-timeout", () -> "5s");
		registry.add("gateway.upstreams[1].id", () -> "piecewise");
		registry.add("gateway.upstreams[1].base-url", () -> "http://127.0.0.1:" + piecewise.port() + "/v1");
		registry.add("gateway.models[0].name", () -> "piecewise/model");
		registry.add("gateway.models[0].upstream", () -> "piecewise");
		registry.add("gateway.upstreams[2].id", () -> "truncating");
		registry.add("gateway.upstreams[2].base-url", () -> "http://127.0.0.1:" + truncating.port() + "/v1");
		registry.add("gateway.models[1].name", () -> "truncating/model");
		registry.add("gateway.models[1].upstream", () -> "truncating");
	}

	@AfterAll
	static void stopUpstreams() throws IOException {
		upstream.stop();
		piecewise.close();
		truncating.close();
	}

	@BeforeEach
	void resetUpstream() {
		upstream.reset();
	}

	@ParameterizedTest
	@EnumSource(value = Fault.class, names = { "EMPTY_RESPONSE", "MALFORMED_RESPONSE_CHUNK", "RANDOM_DATA_THEN_CLOSE" })
	void aBrokenConnectionIsAnErrorInTheEnvelope(Fault fault) {
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1).willReturn(aResponse().withFault(fault)));

		assertRetryable(call("{\"model\":\"bge-m3\",\"input\":[\"a\",\"b\"]}"));
	}

	@Test
	void anAnswerCutShortOfItsContentLengthIsAnError() {
		int before = truncating.answered.get();

		assertRetryable(call("{\"model\":\"truncating/model\",\"input\":[\"a\",\"b\"]}"));
		assertThat(truncating.answered.get()).isGreaterThan(before);
	}

	@Test
	void vectorsSplitAcrossManyPiecesArriveExactly() {
		// Pieces of 97 bytes: numbers, vectors and the envelope are cut at every kind of
		// place.
		List<String> inputs = List.of("the first text", "a second", "and a third", "the fourth and last");
		int before = piecewise.answered.get();

		Reply floats = call(json.writeValueAsString(Map.of("model", "piecewise/model", "input", inputs)));
		Reply base64 = call(json
			.writeValueAsString(Map.of("model", "piecewise/model", "input", inputs, "encoding_format", "base64")));

		assertThat(floats.status()).as(floats.raw()).isEqualTo(200);
		assertThat(base64.status()).as(base64.raw()).isEqualTo(200);
		for (int i = 0; i < inputs.size(); i++) {
			float[] expected = FakeSiliconFlow.vector(inputs.get(i), DIMENSIONS);
			assertThat(EmbeddingsApiIntegrationTests.floats(floats.body().get("data").get(i).get("embedding")))
				.containsExactly(expected);
			assertThat(littleEndianFloats(base64.body().get("data").get(i).get("embedding").stringValue()))
				.containsExactly(expected);
		}
		assertThat(piecewise.answered.get()).isEqualTo(before + 2);
	}

	@Test
	void anUpstreamSilentForLongerThanTheResponseTimeoutIsA504() {
		// Twice the timeout: a slower machine only makes the upstream later.
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.willReturn(aResponse().withStatus(200).withFixedDelay(10_000).withBody("{}")));

		EmbeddingsApiIntegrationTests.assertError(call("{\"model\":\"bge-m3\",\"input\":\"x\"}"), 504, "timeout",
				"timeout", null);
	}

	/**
	 * The connection broke: nothing the caller sent was wrong, and embedding the same
	 * input again is safe, so a 503 that says when to retry.
	 */
	private static void assertRetryable(Reply reply) {
		EmbeddingsApiIntegrationTests.assertError(reply, 503, "service_unavailable", "service_unavailable", null);
		assertThat(reply.headers().getFirst("retry-after")).isEqualTo("1");
	}

	private static float[] littleEndianFloats(String base64) {
		ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
		float[] values = new float[bytes.remaining() / Float.BYTES];
		bytes.asFloatBuffer().get(values);
		return values;
	}

	private Reply call(String body) {
		return Reply.of(new GatewayClient(this.port).embed(FakeSiliconFlow.SEARCH_KEY, body));
	}

	/**
	 * An HTTP/1.1 upstream on a plain socket, answering each call with one vector of
	 * {@value #DIMENSIONS} per input in pieces of {@value #PIECE} bytes, each flushed on
	 * its own. A truncating one announces the whole answer and hangs up halfway.
	 */
	static final class PiecewiseUpstream implements AutoCloseable {

		static final int PIECE = 97;

		final AtomicInteger answered = new AtomicInteger();

		private final boolean truncate;

		private final ServerSocket socket;

		PiecewiseUpstream(boolean truncate) {
			this.truncate = truncate;
			try {
				this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
			Thread thread = new Thread(this::serve, truncate ? "truncating-upstream" : "piecewise-upstream");
			thread.setDaemon(true);
			thread.start();
		}

		int port() {
			return this.socket.getLocalPort();
		}

		private void serve() {
			while (!this.socket.isClosed()) {
				try (Socket connection = this.socket.accept()) {
					connection.setTcpNoDelay(true);
					JsonNode call = json.readTree(readBody(connection.getInputStream()));
					List<String> inputs = new ArrayList<>();
					call.get("input").forEach((input) -> inputs.add(input.stringValue()));
					byte[] body = FakeSiliconFlow.answer(call.get("model").stringValue(), inputs, DIMENSIONS)
						.getBytes(StandardCharsets.UTF_8);
					OutputStream out = connection.getOutputStream();
					out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
							+ "Content-Length: " + body.length + "\r\n\r\n")
						.getBytes(StandardCharsets.US_ASCII));
					int end = this.truncate ? body.length / 2 : body.length;
					for (int from = 0; from < end; from += PIECE) {
						out.write(body, from, Math.min(PIECE, end - from));
						out.flush();
						Thread.sleep(1);
					}
					this.answered.incrementAndGet();
				}
				catch (SocketException closed) {
					return;
				}
				catch (IOException ex) {
					// The next connection gets a fresh try.
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}

		/** Reads the request's head, then its Content-Length bytes of body. */
		private static byte[] readBody(InputStream in) throws IOException {
			ByteArrayOutputStream head = new ByteArrayOutputStream();
			while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
				int b = in.read();
				if (b < 0) {
					throw new IOException("closed before the request's end");
				}
				head.write(b);
			}
			int length = 0;
			for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
				if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
					length = Integer.parseInt(line.substring("content-length:".length()).strip());
				}
			}
			return in.readNBytes(length);
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

}
