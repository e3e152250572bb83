package com.embeddinggateway.api;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connections beyond {@code gateway.api.max-connections} are closed on arrival, and
 * accepted again once others have closed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConnectionCapIntegrationTests {

	static final int CAP = 4;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void gateway(DynamicPropertyRegistry registry) {
		registry.add("gateway.api.max-connections", () -> Integer.toString(CAP));
	}

	@Test
	void connectionsOverTheCapAreClosedUntilOthersClose() throws IOException {
		List<Socket> open = new ArrayList<>();
		try {
			for (int i = 0; i < CAP; i++) {
				Socket connection = RawHttp.connect(this.port, 0);
				open.add(connection);
				assertThat(answers(connection)).as("connection %d of %d", i + 1, CAP).isTrue();
			}

			try (Socket over = RawHttp.connect(this.port, 0)) {
				assertThat(answers(over)).as("a connection over the cap").isFalse();
			}

			open.remove(0).close();
			await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
				try (Socket again = RawHttp.connect(this.port, 0)) {
					assertThat(answers(again)).isTrue();
				}
			});
		}
		finally {
			for (Socket connection : open) {
				connection.close();
			}
		}
	}

	/**
	 * Whether the gateway answers a request on this connection rather than closing it.
	 */
	private static boolean answers(Socket connection) {
		try {
			RawHttp.get(connection, "/livez");
		}
		catch (IOException closed) {
			return false;
		}
		String status = RawHttp.statusLine(connection);
		return status != null && status.startsWith("HTTP/1.1 200");
	}

}
