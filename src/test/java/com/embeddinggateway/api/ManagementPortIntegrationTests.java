package com.embeddinggateway.api;

import java.nio.charset.StandardCharsets;

import com.embeddinggateway.GatewayClient;
import com.embeddinggateway.api.EmbeddingsApiIntegrationTests.Reply;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Metrics name tenants and their traffic: they answer on the management port only. The
 * API port serves Kubernetes' probes, which say UP or DOWN and nothing else.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ManagementPortIntegrationTests {

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	@Test
	void metricsHealthAndInfoAnswerOnTheManagementPort() {
		GatewayClient management = new GatewayClient(this.managementPort);

		EntityExchangeResult<byte[]> metrics = management.get("/actuator/prometheus", null);

		assertThat(this.managementPort).isNotEqualTo(this.port);
		assertThat(metrics.getStatus().value()).isEqualTo(200);
		assertThat(new String(metrics.getResponseBody(), StandardCharsets.UTF_8))
			.contains("gateway_memory_limit_bytes");
		assertThat(Reply.of(management.get("/actuator/health", null)).status()).isEqualTo(200);
		assertThat(Reply.of(management.get("/actuator/health/readiness", null)).status()).isEqualTo(200);
		assertThat(Reply.of(management.get("/actuator/info", null)).status()).isEqualTo(200);
	}

	@Test
	void theApiPortServesNoActuatorEndpoint() {
		GatewayClient api = new GatewayClient(this.port);
		for (String path : new String[] { "/actuator/prometheus", "/actuator/health", "/actuator/info", "/actuator" }) {
			Reply reply = Reply.of(api.get(path, null));

			EmbeddingsApiIntegrationTests.assertError(reply, 404, "invalid_request_error", null, null);
			assertThat(reply.raw()).doesNotContain("gateway_");
		}
	}

	@Test
	void livenessAndReadinessAnswerOnTheApiPortWithOnlyTheirStatus() {
		GatewayClient api = new GatewayClient(this.port);
		for (String path : new String[] { "/livez", "/readyz" }) {
			Reply reply = Reply.of(api.get(path, null));

			assertThat(reply.status()).as(path).isEqualTo(200);
			assertThat(reply.raw()).as(path).isEqualTo("{\"status\":\"UP\"}");
		}
	}

}
