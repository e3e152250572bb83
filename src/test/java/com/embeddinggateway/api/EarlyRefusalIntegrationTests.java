package com.embeddinggateway.api;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import com.embeddinggateway.FakeSiliconFlow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request refused before its body was read (a wrong key) leaves its keep-alive
 * connection able to carry the next request, as one refused after: the unread body is
 * dropped before the answer, not left to block the connection.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EarlyRefusalIntegrationTests {

	static final FakeSiliconFlow upstream = new FakeSiliconFlow();

	/** Far longer than an answer takes. */
	static final int PATIENCE_MILLIS = 15_000;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void gateway(DynamicPropertyRegistry registry) {
		upstream.register(registry);
	}

	@AfterAll
	static void stopUpstream() {
		upstream.stop();
	}

	@ParameterizedTest
	@ValueSource(strings = { "eg-not-a-key", FakeSiliconFlow.SEARCH_KEY })
	void theNextRequestOnAConnectionIsAnsweredAfterARefusal(String key) throws IOException {
		byte[] body = "{\"model\":\"no-such-model\",\"input\":\"hello\"}".getBytes(StandardCharsets.UTF_8);
		try (Socket socket = RawHttp.connect(this.port, 0)) {
			socket.setSoTimeout(PATIENCE_MILLIS);
			for (int i = 0; i < 20; i++) {
				// A wrong key is refused before the body is read, an unknown model after.
				RawHttp.send(socket,
						"POST /v1/embeddings HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key
								+ "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n",
						body);
				assertThat(readAnswer(socket))
					.startsWith(key.equals(FakeSiliconFlow.SEARCH_KEY) ? "HTTP/1.1 404" : "HTTP/1.1 401");
			}

			RawHttp.send(socket, "GET /v1/models HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
					+ FakeSiliconFlow.SEARCH_KEY + "\r\n\r\n", new byte[0]);

			assertThat(readAnswer(socket)).startsWith("HTTP/1.1 200");
		}
	}

	/** One whole answer (status line, headers and its Content-Length of body). */
	private static String readAnswer(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		StringBuilder head = new StringBuilder();
		while (!head.toString().endsWith("\r\n\r\n")) {
			int b = in.read();
			if (b < 0) {
				throw new IOException("closed after: " + head);
			}
			head.append((char) b);
		}
		int length = 0;
		for (String line : head.toString().split("\r\n")) {
			if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
				length = Integer.parseInt(line.substring(15).strip());
			}
		}
		in.readNBytes(length);
		return head.toString();
	}

}
