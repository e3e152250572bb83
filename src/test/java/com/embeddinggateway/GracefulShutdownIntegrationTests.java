package com.embeddinggateway;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Stopping the gateway drops no request it has accepted: readiness turns DOWN, the API
 * port refuses new connections, and the requests in flight (here waiting on the upstream
 * for longer than Spring Boot's default 30 s shutdown phase) still end with their 200
 * before the process is done.
 */
class GracefulShutdownIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration IN_FLIGHT_AFTER_SHUTDOWN = Duration.ofSeconds(35);

	private final FakeSiliconFlow upstream = new FakeSiliconFlow();

	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@AfterEach
	void stopUpstream() {
		this.upstream.stop();
	}

	@Test
	void requestsInFlightFinishWithTheirAnswersWhileNewConnectionsAreRefused() throws Exception {
		FakeSiliconFlow.Hold hold = this.upstream.holdAnswers();
		ConfigurableApplicationContext gateway = new SpringApplicationBuilder(EmbeddingGatewayApplication.class).run(
				"--server.port=0", "--management.server.port=0", "--gateway.upstreams[0].id=siliconflow",
				// One attempt outlasts the hold: each input goes upstream once.
				"--gateway.resilience.attempt-timeout=50s",
				"--gateway.upstreams[0].base-url=" + this.upstream.server().baseUrl() + "/v1",
				"--gateway.upstreams[0].api-key=" + FakeSiliconFlow.UPSTREAM_KEY, "--gateway.tenants[0].id=search-team",
				"--gateway.tenants[0].api-key-sha256[0]=" + Fixtures.sha256(FakeSiliconFlow.SEARCH_KEY));
		int port = Integer.parseInt(gateway.getEnvironment().getRequiredProperty("local.server.port"));
		List<String> events = new CopyOnWriteArrayList<>();
		gateway.addApplicationListener((event) -> {
			if (event instanceof AvailabilityChangeEvent<?> change && change.getState() instanceof ReadinessState) {
				events.add("readiness " + change.getState());
			}
			else if (event instanceof ContextClosedEvent) {
				events.add("closing");
			}
		});
		CompletableFuture<Void> stopped = null;
		try {
			List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
			for (String text : List.of("first", "second", "third")) {
				inFlight.add(this.http.sendAsync(embed(port, text), HttpResponse.BodyHandlers.ofString()));
			}
			awaitTrue(() -> hold.waiting() == 3, "all three calls reached the upstream");

			stopped = CompletableFuture.runAsync(gateway::close);
			awaitTrue(() -> refusesConnections(port), "the API port refuses new connections");

			assertThat(events).startsWith("readiness REFUSING_TRAFFIC", "closing");
			assertThat(inFlight).noneMatch(CompletableFuture::isDone);
			assertThatThrownBy(() -> this.http.send(embed(port, "late"), HttpResponse.BodyHandlers.ofString()))
				.isInstanceOf(ConnectException.class);

			// Past Spring Boot's default 30 s shutdown phase, which cut off requests
			// still within their 60 s deadline.
			Thread.sleep(IN_FLIGHT_AFTER_SHUTDOWN.toMillis());
			assertThat(inFlight).noneMatch(CompletableFuture::isDone);
			hold.release();
			for (int i = 0; i < inFlight.size(); i++) {
				HttpResponse<String> response = inFlight.get(i).get(60, TimeUnit.SECONDS);
				assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
				JsonNode vector = JSON.readTree(response.body()).get("data").get(0).get("embedding");
				assertThat(vector.get(0).floatValue())
					.isEqualTo(FakeSiliconFlow.vector(List.of("first", "second", "third").get(i), 1024)[0]);
			}
			// The shutdown budget itself is 70 s of drain (35 s of it already spent here)
			// and 15 s for the in-process models: a busy machine needs more than 60 s.
			awaitStopped(stopped);
			assertThat(gateway.isActive()).isFalse();
			assertThat(this.upstream.calls()).extracting((call) -> call.get("input").get(0).stringValue())
				.containsExactlyInAnyOrder("first", "second", "third");
		}
		finally {
			hold.release();
			if (stopped == null) {
				gateway.close();
			}
		}
	}

	/**
	 * Waits for the close to end; if it does not, fails with every thread's stack, which
	 * is what says where a close hangs.
	 */
	private static void awaitStopped(CompletableFuture<Void> stopped) throws Exception {
		try {
			stopped.get(3, TimeUnit.MINUTES);
		}
		catch (TimeoutException ex) {
			StringBuilder threads = new StringBuilder("The gateway's close did not end within 3 minutes:");
			Thread.getAllStackTraces().forEach((thread, stack) -> {
				threads.append("\n\"").append(thread.getName()).append("\" ").append(thread.getState());
				for (StackTraceElement frame : stack) {
					threads.append("\n\tat ").append(frame);
				}
			});
			throw new AssertionError(threads.toString(), ex);
		}
	}

	static HttpRequest embed(int port, String text) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/embeddings"))
			.header("Authorization", "Bearer " + FakeSiliconFlow.SEARCH_KEY)
			.header("Content-Type", "application/json")
			.timeout(Duration.ofSeconds(120))
			.POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"BAAI/bge-m3\",\"input\":[\"" + text + "\"]}"))
			.build();
	}

	static boolean refusesConnections(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
			return false;
		}
		catch (IOException ex) {
			return true;
		}
	}

	/**
	 * Polls for up to 60 s: long enough for a busy machine, and the test then says what
	 * it waited for.
	 */
	static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as("waited 60 s for: " + what).isLessThan(end);
			Thread.sleep(20);
		}
	}

}
