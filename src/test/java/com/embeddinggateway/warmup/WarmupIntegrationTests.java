package com.embeddinggateway.warmup;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.embeddinggateway.EmbeddingGatewayApplication;
import com.embeddinggateway.FakeSiliconFlow;
import com.embeddinggateway.Fixtures;
import com.embeddinggateway.GatewayClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The warm-up runs before readiness turns up, through the gateway's own port, calls no
 * configured upstream, leaves no tenant, model or meter of its own behind, and cannot
 * stop start-up.
 */
@ExtendWith(OutputCaptureExtension.class)
class WarmupIntegrationTests {

	static final FakeSiliconFlow upstream = new FakeSiliconFlow();

	static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	ConfigurableApplicationContext gateway;

	@BeforeEach
	void resetUpstream() {
		upstream.reset();
	}

	@AfterEach
	void stopGateway() {
		if (this.gateway != null) {
			this.gateway.close();
		}
	}

	@AfterAll
	static void stopUpstream() {
		upstream.stop();
	}

	@Test
	void readinessStaysDownUntilTheWarmupHasRun(CapturedOutput output) throws Exception {
		int port = freePort();
		CompletableFuture<ConfigurableApplicationContext> starting = CompletableFuture
			.supplyAsync(() -> start(port, freePort()));
		List<String> seen = new ArrayList<>();
		while (!starting.isDone()) {
			int status = readyz(port);
			// Read after the probe answered: a 200 must come after the warm-up's report.
			boolean warmedUp = output.getOut().contains("Warm-up: ");
			if (status > 0) {
				seen.add(status + (warmedUp ? " after" : " before"));
			}
			Thread.sleep(10);
		}
		this.gateway = starting.get(1, TimeUnit.MINUTES);

		assertThat(seen).as("probes answered while the gateway was starting").contains("503 before");
		assertThat(seen).doesNotContain("200 before");
		assertThat(readyz(port)).isEqualTo(200);
		assertThat(output.getOut()).containsPattern("Warm-up: \\d+ requests \\(0 failed\\)");
	}

	@Test
	void warmsUpWithoutCallingAnyConfiguredUpstreamAndLeavesNoTrace(CapturedOutput output) {
		int port = freePort();
		int managementPort = freePort();
		this.gateway = start(port, managementPort);

		assertThat(output.getOut()).containsPattern("Warm-up: [1-9]\\d* requests \\(0 failed\\)");
		assertThat(upstream.calls()).as("calls to the configured upstream").isEmpty();
		String metrics = new String(
				new GatewayClient(managementPort).get("/actuator/prometheus", null).getResponseBody(),
				StandardCharsets.UTF_8);
		assertThat(metrics).contains("gateway_shedding_limit").doesNotContain("gateway-warmup");
		String warmupModel = "{\"model\":\"" + StandInUpstream.MODEL.name() + "\",\"input\":\"hello\"}";
		assertThat(new GatewayClient(port).embed(FakeSiliconFlow.SEARCH_KEY, warmupModel).getStatus().value())
			.as("the warm-up's model is gone")
			.isEqualTo(404);
		assertThat(new GatewayClient(port)
			.embed(FakeSiliconFlow.SEARCH_KEY, "{\"model\":\"BAAI/bge-m3\",\"input\":\"hello\"}")
			.getStatus()
			.value()).isEqualTo(200);
	}

	@Test
	void aFailingWarmupIsLoggedAndTheGatewayBecomesReadyAnyway(CapturedOutput output) throws Exception {
		int port = freePort();
		// The warm-up's batches are larger than this: the gateway refuses them with 413.
		this.gateway = start(port, freePort(), "--gateway.api.max-request-size=1KB");

		assertThat(output.getOut()).contains("A warm-up request failed (the gateway becomes ready anyway): HTTP 413")
			.containsPattern("Warm-up: \\d+ requests \\([1-9]\\d* failed\\)");
		assertThat(readyz(port)).isEqualTo(200);
		assertThat(upstream.calls()).isEmpty();
	}

	private static ConfigurableApplicationContext start(int port, int managementPort, String... more) {
		List<String> args = new ArrayList<>(List.of("--server.port=" + port,
				"--management.server.port=" + managementPort, "--gateway.warmup.enabled=true",
				"--gateway.warmup.max-duration=3s", "--gateway.upstreams[0].id=siliconflow",
				"--gateway.upstreams[0].base-url=" + upstream.server().baseUrl() + "/v1",
				"--gateway.upstreams[0].api-key=" + FakeSiliconFlow.UPSTREAM_KEY, "--gateway.tenants[0].id=search-team",
				"--gateway.tenants[0].api-key-sha256[0]=" + Fixtures.sha256(FakeSiliconFlow.SEARCH_KEY)));
		args.addAll(List.of(more));
		return new SpringApplicationBuilder(EmbeddingGatewayApplication.class).run(args.toArray(String[]::new));
	}

	/** The status {@code /readyz} answers, or 0 while nothing listens. */
	private static int readyz(int port) throws InterruptedException {
		try {
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
				.timeout(Duration.ofSeconds(5))
				.build();
			return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
		}
		catch (IOException ex) {
			return 0;
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
