package com.embeddinggateway.api;

import com.embeddinggateway.FakeSiliconFlow;
import com.embeddinggateway.GatewayClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.embeddinggateway.tenancy.TenancyProperties;
import com.embeddinggateway.upstream.UpstreamProperties;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs successful and failing requests with the gateway's and Spring's web logging at
 * DEBUG, then looks for every key in what was logged and answered.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "logging.level.com.embeddinggateway=TRACE", "logging.level.org.springframework.web=DEBUG",
				"logging.level.org.springframework.http=DEBUG", "logging.level.reactor.netty=DEBUG",
				"gateway.resilience.breaker.sliding-window-size=1000",
				"gateway.resilience.breaker.minimum-number-of-calls=1000", "gateway.resilience.retry.base-delay=1ms" })
@ExtendWith(OutputCaptureExtension.class)
class SecretsStayOutOfLogsIntegrationTests {

	static final FakeSiliconFlow upstream = new FakeSiliconFlow();

	static final String WRONG_KEY = "eg-wrong-key-5a8e0c";

	@LocalServerPort
	int port;

	@Autowired
	UpstreamProperties upstreamProperties;

	@Autowired
	TenancyProperties tenancyProperties;

	@DynamicPropertySource
	static void gateway(DynamicPropertyRegistry registry) {
		upstream.register(registry);
	}

	@AfterAll
	static void stopUpstream() {
		upstream.stop();
	}

	@Test
	void noKeyAppearsInLogsErrorsOrToString(CapturedOutput output) {
		StringBuilder answers = new StringBuilder();
		answers.append(call(FakeSiliconFlow.SEARCH_KEY, "BAAI/bge-m3"));
		answers.append(call(FakeSiliconFlow.CHAT_KEY, "BAAI/bge-m3"));
		answers.append(call(WRONG_KEY, "BAAI/bge-m3"));
		for (int status : new int[] { 401, 403, 429, 500, 503 }) {
			upstream.server()
				.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
					.willReturn(aResponse().withStatus(status).withBody("\"Invalid token\"")));
			answers.append(call(FakeSiliconFlow.SEARCH_KEY, "BAAI/bge-m3"));
			answers.append(call(FakeSiliconFlow.CHAT_KEY, "BAAI/bge-m3"));
		}
		answers.append(this.upstreamProperties).append(this.tenancyProperties);

		assertThat(output.getAll()).contains("HTTP 401").contains("HTTP 503");
		for (String secret : new String[] { FakeSiliconFlow.UPSTREAM_KEY, FakeSiliconFlow.CHAT_UPSTREAM_KEY,
				FakeSiliconFlow.SEARCH_KEY, FakeSiliconFlow.CHAT_KEY, WRONG_KEY }) {
			assertThat(output.getAll()).doesNotContain(secret);
			assertThat(answers).doesNotContain(secret);
		}
	}

	private String call(String key, String model) {
		byte[] body = new GatewayClient(this.port)
			.embed(key, "{\"model\":\"" + model + "\",\"input\":[\"secret-free text\"]}")
			.getResponseBody();
		return (body != null) ? new String(body, java.nio.charset.StandardCharsets.UTF_8) : "";
	}

}
