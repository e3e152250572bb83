package com.embeddinggateway;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.embeddinggateway.HelmChart.Rendered;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static com.embeddinggateway.HelmChart.at;
import static com.embeddinggateway.HelmChart.list;
import static com.embeddinggateway.HelmChart.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application.yml the chart renders into its ConfigMap boots the real gateway, with
 * the environment the Deployment gives it, and serves a tenant's request through the
 * upstream the chart names: the chart and the application's configuration cannot drift
 * apart.
 */
class HelmChartConfigurationIntegrationTests {

	private final FakeSiliconFlow upstream = new FakeSiliconFlow();

	@AfterEach
	void stopUpstream() {
		this.upstream.stop();
	}

	@Test
	void theRenderedConfigurationBootsTheGatewayAndServesATenant(@TempDir Path dir) throws Exception {
		Rendered rendered = HelmChart
			.template((helm) -> helm.set("siliconflow.baseUrl", this.upstream.server().baseUrl() + "/v1")
				.set("secret.siliconflowApiKey", FakeSiliconFlow.UPSTREAM_KEY)
				.set("tenants[0].id", "search-team")
				.set("tenants[0].api-key-sha256[0]", Fixtures.sha256(FakeSiliconFlow.SEARCH_KEY))
				.set("tenants[1].id", "chat-team")
				.set("tenants[1].api-key-sha256[0]", Fixtures.sha256(FakeSiliconFlow.CHAT_KEY))
				.set("tenants[1].models[0]", "bge-m3")
				.set("tenants[1].ownUpstreamApiKey", true)
				.set("secret.tenantUpstreamApiKeys.chat-team", FakeSiliconFlow.CHAT_UPSTREAM_KEY));
		Files.writeString(dir.resolve("application.yml"), rendered.applicationYamlText());

		// The Deployment's environment, from the rendered Secret; the ports are the
		// test's own, on the loopback address only.
		List<String> arguments = new ArrayList<>(List.of("--spring.config.additional-location=file:" + dir + "/",
				"--server.port=0", "--management.server.port=0", "--server.address=127.0.0.1",
				"--management.server.address=127.0.0.1"));
		for (Object variable : list(rendered.container().get("env"))) {
			Object ref = at(variable, "valueFrom.secretKeyRef");
			String value = (ref != null) ? secretValue(rendered, map(ref)) : (String) map(variable).get("value");
			if (!"SPRING_CONFIG_ADDITIONAL_LOCATION".equals(map(variable).get("name"))) {
				arguments.add("--" + map(variable).get("name") + "=" + value);
			}
		}

		try (ConfigurableApplicationContext gateway = new SpringApplicationBuilder(EmbeddingGatewayApplication.class)
			.run(arguments.toArray(String[]::new))) {
			GatewayClient client = new GatewayClient(
					Integer.parseInt(gateway.getEnvironment().getRequiredProperty("local.server.port")));

			EntityExchangeResult<byte[]> search = client.embed(FakeSiliconFlow.SEARCH_KEY,
					"{\"model\":\"BAAI/bge-m3\",\"input\":[\"chart\"]}");
			EntityExchangeResult<byte[]> chat = client.embed(FakeSiliconFlow.CHAT_KEY,
					"{\"model\":\"bge-m3\",\"input\":[\"chat\"]}");

			assertThat(search.getStatus().value()).isEqualTo(200);
			assertThat(chat.getStatus().value()).isEqualTo(200);
			JsonNode body = JsonMapper.builder()
				.build()
				.readTree(new String(search.getResponseBody(), StandardCharsets.UTF_8));
			assertThat(body.get("data").get(0).get("embedding")).hasSize(1024);
			List<LoggedRequest> calls = this.upstream.requests();
			assertThat(calls).extracting((call) -> call.getHeader("Authorization"))
				.containsExactlyInAnyOrder("Bearer " + FakeSiliconFlow.UPSTREAM_KEY,
						"Bearer " + FakeSiliconFlow.CHAT_UPSTREAM_KEY);
			assertThat(client.get("/readyz", null).getStatus().value()).isEqualTo(200);
			assertThat(client.get("/livez", null).getStatus().value()).isEqualTo(200);
			assertThat(gateway.getEnvironment().getProperty("spring.lifecycle.timeout-per-shutdown-phase"))
				.isEqualTo("70s");
		}
	}

	private static String secretValue(Rendered rendered, Map<String, Object> ref) {
		Object data = rendered.named("Secret", (String) ref.get("name")).get("data");
		return new String(Base64.getDecoder().decode((String) map(data).get((String) ref.get("key"))),
				StandardCharsets.UTF_8);
	}

}
