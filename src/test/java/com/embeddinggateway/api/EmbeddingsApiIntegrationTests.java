package com.embeddinggateway.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.embeddinggateway.FakeSiliconFlow;
import com.embeddinggateway.GatewayClient;
import com.github.tomakehurst.wiremock.http.Fault;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EmbeddingsApiIntegrationTests {

	static final FakeSiliconFlow upstream = new FakeSiliconFlow();

	static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void gateway(DynamicPropertyRegistry registry) {
		upstream.register(registry);
		registry.add("gateway.api.max-request-size", () -> "64KB");
		// Each error row is checked on its own: one attempt, and a breaker that never
		// opens.
		registry.add("gateway.resilience.retry.max-attempts", () -> "1");
		registry.add("gateway.resilience.breaker.sliding-window-size", () -> "1000");
		registry.add("gateway.resilience.breaker.minimum-number-of-calls", () -> "1000");
		registry.add("gateway.api.request-read-timeout", () -> "1s");
		registry.add("gateway.upstreams[1].id", () -> "nowhere");
		registry.add("gateway.upstreams[1].base-url", () -> "http://127.0.0.1:" + closedPort() + "/v1");
		registry.add("gateway.models[0].name", () -> "nowhere/model");
		registry.add("gateway.models[0].upstream", () -> "nowhere");
	}

	@AfterAll
	static void stopUpstream() {
		upstream.stop();
	}

	@BeforeEach
	void resetUpstream() {
		upstream.reset();
	}

	@Test
	void embedsOneStringAsFloatsExactlyAsUpstreamSentThem() {
		Reply reply = call(FakeSiliconFlow.SEARCH_KEY, "{\"model\":\"BAAI/bge-m3\",\"input\":\"hello world\"}");

		assertThat(reply.status).isEqualTo(200);
		assertThat(reply.body.get("object").stringValue()).isEqualTo("list");
		assertThat(reply.body.get("model").stringValue()).isEqualTo("BAAI/bge-m3");
		JsonNode item = reply.body.get("data").get(0);
		assertThat(item.get("object").stringValue()).isEqualTo("embedding");
		assertThat(item.get("index").intValue()).isZero();
		assertThat(floats(item.get("embedding"))).containsExactly(FakeSiliconFlow.vector("hello world", 1024));
		assertThat(reply.body.get("usage").get("prompt_tokens").intValue()).isEqualTo(2);
		assertThat(reply.body.get("usage").get("total_tokens").intValue()).isEqualTo(2);
		assertThat(reply.body.get("usage").get("completion_tokens").intValue()).isZero();
		JsonNode sent = upstream.calls().get(0);
		assertThat(sent.get("model").stringValue()).isEqualTo("BAAI/bge-m3");
		assertThat(sent.get("input").get(0).stringValue()).isEqualTo("hello world");
		assertThat(sent.get("encoding_format").stringValue()).isEqualTo("float");
		assertThat(sent.has("dimensions")).isFalse();
		assertThat(upstream.requests().get(0).getHeader("Authorization"))
			.isEqualTo("Bearer " + FakeSiliconFlow.UPSTREAM_KEY);
	}

	@Test
	void base64IsLittleEndianFloat32OfTheUpstreamFloats() {
		Reply reply = call(FakeSiliconFlow.SEARCH_KEY,
				"{\"model\":\"BAAI/bge-m3\",\"input\":[\"a\",\"b\"],\"encoding_format\":\"base64\"}");

		assertThat(reply.status).isEqualTo(200);
		for (int i = 0; i < 2; i++) {
			byte[] bytes = Base64.getDecoder().decode(reply.body.get("data").get(i).get("embedding").stringValue());
			float[] decoded = new float[bytes.length / 4];
			ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(decoded);
			assertThat(decoded).containsExactly(FakeSiliconFlow.vector(List.of("a", "b").get(i), 1024));
		}
		assertThat(upstream.calls().get(0).get("encoding_format").stringValue()).isEqualTo("float");
	}

	@Test
	void answersOnTheShortPathAndUnderAnAliasWithTheModelAsRequested() {
		Reply reply = call("/embeddings", FakeSiliconFlow.SEARCH_KEY, "{\"model\":\"bge-m3\",\"input\":\"x\"}");

		assertThat(reply.status).isEqualTo(200);
		assertThat(reply.body.get("model").stringValue()).isEqualTo("bge-m3");
		assertThat(upstream.calls().get(0).get("model").stringValue()).isEqualTo("BAAI/bge-m3");
	}

	@Test
	void everyResponseCarriesRequestIdAndProcessingTime() {
		EntityExchangeResult<byte[]> ok = client().embed(FakeSiliconFlow.SEARCH_KEY,
				"{\"model\":\"bge-m3\",\"input\":\"x\"}", "x-request-id", "caller-id-42");
		assertThat(ok.getResponseHeaders().getFirst("x-request-id")).isEqualTo("caller-id-42");
		assertThat(ok.getResponseHeaders().getFirst("openai-processing-ms")).matches("\\d+");
		assertThat(upstream.requests().get(0).getHeader("x-request-id")).isEqualTo("caller-id-42");

		EntityExchangeResult<byte[]> refused = client().embed(null, "{}", "x-request-id", "bad id with spaces\"");
		assertThat(refused.getResponseHeaders().getFirst("x-request-id")).matches("req_[0-9a-f]{32}");
		assertThat(refused.getResponseHeaders().getFirst("openai-processing-ms")).matches("\\d+");
	}

	@Test
	void refusesMissingAndUnknownKeysWith401() {
		assertError(call(null, "{\"model\":\"bge-m3\",\"input\":\"x\"}"), 401, "invalid_request_error",
				"invalid_api_key", null);
		assertError(call("eg-not-a-tenant", "{\"model\":\"bge-m3\",\"input\":\"x\"}"), 401, "invalid_request_error",
				"invalid_api_key", null);
		assertThat(upstream.calls()).isEmpty();
	}

	@Test
	void refusesUnknownModelsAndModelsOutsideTheTenantsListWith404() {
		assertError(call(FakeSiliconFlow.SEARCH_KEY, "{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}"), 404,
				"invalid_request_error", "model_not_found", "model");
		assertError(call(FakeSiliconFlow.CHAT_KEY, "{\"model\":\"Qwen/Qwen3-Embedding-8B\",\"input\":\"x\"}"), 404,
				"invalid_request_error", "model_not_found", "model");
		assertThat(upstream.calls()).isEmpty();
	}

	@Test
	void tenantWithItsOwnUpstreamKeyUsesIt() {
		Reply reply = call(FakeSiliconFlow.CHAT_KEY, "{\"model\":\"BAAI/bge-m3\",\"input\":\"x\"}");

		assertThat(reply.status).isEqualTo(200);
		assertThat(upstream.requests().get(0).getHeader("Authorization"))
			.isEqualTo("Bearer " + FakeSiliconFlow.CHAT_UPSTREAM_KEY);
	}

	@Test
	void refusesMalformedRequestsWith400NamingTheField() {
		String key = FakeSiliconFlow.SEARCH_KEY;
		assertError(call(key, "not json"), 400, "invalid_request_error", null, null);
		assertError(call(key, "[1,2]"), 400, "invalid_request_error", null, null);
		assertError(call(key, "{\"input\":\"x\"}"), 400, "invalid_request_error", null, "model");
		assertError(call(key, "{\"model\":7,\"input\":\"x\"}"), 400, "invalid_request_error", null, "model");
		assertError(call(key, "{\"model\":\"bge-m3\"}"), 400, "invalid_request_error", null, "input");
		assertError(call(key, "{\"model\":\"bge-m3\",\"input\":[]}"), 400, "invalid_request_error", null, "input");
		assertError(call(key, "{\"model\":\"bge-m3\",\"input\":{\"a\":1}}"), 400, "invalid_request_error", null,
				"input");
		assertError(call(key, "{\"model\":\"bge-m3\",\"input\":[\"a\",null]}"), 400, "invalid_request_error", null,
				"input");
		assertError(call(key, "{\"model\":\"bge-m3\",\"input\":\"\"}"), 400, "invalid_request_error", null, "input");
		assertError(call(key, "{\"model\":\"bge-m3\",\"input\":[\"ok\",\"\\n\\n\"]}"), 400, "invalid_request_error",
				null, "input");
		assertError(call(key, "{\"model\":\"bge-m3\",\"input\":\"x\",\"encoding_format\":\"int8\"}"), 400,
				"invalid_request_error", null, "encoding_format");
		assertError(call(key, "{\"model\":\"Qwen/Qwen3-Embedding-8B\",\"input\":\"x\",\"dimensions\":\"64\"}"), 400,
				"invalid_request_error", null, "dimensions");
		assertThat(upstream.calls()).isEmpty();
	}

	@Test
	void emptyAndLineBreakInputErrorNamesTheIndex() {
		Reply reply = call(FakeSiliconFlow.SEARCH_KEY, "{\"model\":\"bge-m3\",\"input\":[\"ok\",\"ok\",\"\\n\"]}");

		assertThat(reply.body.get("error").get("message").stringValue()).contains("index 2");
	}

	@Test
	void acceptsPlainSpacesAsTheUpstreamDoes() {
		assertThat(call(FakeSiliconFlow.SEARCH_KEY, "{\"model\":\"bge-m3\",\"input\":\"   \"}").status).isEqualTo(200);
	}

	@Test
	void refusesTokenIdsWithHowToTurnThemOff() {
		for (String input : List.of("[1,2,3]", "[[1,2],[3]]")) {
			Reply reply = call(FakeSiliconFlow.SEARCH_KEY, "{\"model\":\"bge-m3\",\"input\":" + input + "}");
			assertError(reply, 400, "invalid_request_error", null, "input");
			assertThat(reply.body.get("error").get("message").stringValue())
				.contains("check_embedding_ctx_length=False");
		}
		assertThat(upstream.calls()).isEmpty();
	}

	@Test
	void refusesMoreThan2048Inputs() {
		String inputs = "\"x\",".repeat(2048) + "\"x\"";
		Reply reply = call(FakeSiliconFlow.SEARCH_KEY, "{\"model\":\"bge-m3\",\"input\":[" + inputs + "]}");

		assertError(reply, 400, "invalid_request_error", null, "input");
		assertThat(reply.body.get("error").get("message").stringValue()).contains("2049").contains("2048");
	}

	@Test
	void refusesBodiesOverTheLimitWith413() {
		String big = "w ".repeat(40_000);
		assertError(call(FakeSiliconFlow.SEARCH_KEY, "{\"model\":\"bge-m3\",\"input\":\"" + big + "\"}"), 413,
				"invalid_request_error", "request_too_large", null);
		assertThat(upstream.calls()).isEmpty();
	}

	@Test
	void refusesInputsCertainlyOverTheTokenLimitNamingTheIndex() {
		String tooLong = "word ".repeat(513);
		Reply reply = call(FakeSiliconFlow.SEARCH_KEY,
				"{\"model\":\"BAAI/bge-large-en-v1.5\",\"input\":[\"fine\",\"" + tooLong + "\"]}");

		assertError(reply, 400, "invalid_request_error", null, "input");
		assertThat(reply.body.get("error").get("message").stringValue()).contains("index 1").contains("512");
		assertThat(upstream.calls()).isEmpty();
	}

	@Test
	void countsBgeLargeTokensExactlyWithItsOwnTokenizer() {
		// "hello" and "," are one token each in bert-base-uncased: 256 repeats are 512
		// tokens,
		// the limit (special tokens not counted), though only 256 words.
		String atLimit = "hello, ".repeat(256);
		assertThat(call(FakeSiliconFlow.SEARCH_KEY,
				"{\"model\":\"BAAI/bge-large-en-v1.5\",\"input\":\"" + atLimit + "\"}").status)
			.isEqualTo(200);

		Reply over = call(FakeSiliconFlow.SEARCH_KEY,
				"{\"model\":\"BAAI/bge-large-en-v1.5\",\"input\":[\"x\",\"" + atLimit + "hello\"]}");
		assertError(over, 400, "invalid_request_error", null, "input");
		assertThat(over.body.get("error").get("message").stringValue()).contains("index 1")
			.contains("more than 512 tokens");
		assertThat(upstream.calls()).hasSize(1);
	}

	@Test
	void forwardsAllowedDimensionsOnlyToModelsThatAcceptThem() {
		Reply reply = call(FakeSiliconFlow.SEARCH_KEY,
				"{\"model\":\"Qwen/Qwen3-Embedding-4B\",\"input\":\"x\",\"dimensions\":256}");
		assertThat(reply.status).isEqualTo(200);
		assertThat(reply.body.get("data").get(0).get("embedding").size()).isEqualTo(256);
		assertThat(upstream.calls().get(0).get("dimensions").intValue()).isEqualTo(256);

		Reply notAllowed = call(FakeSiliconFlow.SEARCH_KEY,
				"{\"model\":\"Qwen/Qwen3-Embedding-4B\",\"input\":\"x\",\"dimensions\":4096}");
		assertError(notAllowed, 400, "invalid_request_error", null, "dimensions");
		assertThat(notAllowed.body.get("error").get("message").stringValue())
			.contains("Allowed values: 64, 128, 256, 512, 768, 1024, 1536, 2048, 2560.");

		Reply unsupported = call(FakeSiliconFlow.SEARCH_KEY,
				"{\"model\":\"BAAI/bge-m3\",\"input\":\"x\",\"dimensions\":1024}");
		assertError(unsupported, 400, "invalid_request_error", null, "dimensions");
		assertThat(upstream.calls()).hasSize(1);
	}

	@Test
	void ignoresUnknownFieldsAndUser() {
		Reply reply = call(FakeSiliconFlow.SEARCH_KEY,
				"{\"model\":\"bge-m3\",\"input\":\"x\",\"user\":\"u-1\",\"extra\":{\"a\":[1]},\"encoding_format\":null}");

		assertThat(reply.status).isEqualTo(200);
		assertThat(upstream.calls().get(0).has("user")).isFalse();
	}

	@Test
	void mapsUpstreamRateLimitTo429WithRetryAfter() {
		stubUpstream(429,
				"{\"message\":\"Request was rejected due to rate limiting. Details:TPM limit reached.\",\"data\":\"x\"}",
				"Retry-After", "7");
		Reply reply = call(FakeSiliconFlow.SEARCH_KEY, "{\"model\":\"bge-m3\",\"input\":\"x\"}");

		assertError(reply, 429, "tokens", "rate_limit_exceeded", null);
		assertThat(reply.headers.getFirst("retry-after")).isEqualTo("7");
	}

	@Test
	void capsRetryAfterAtSixtySeconds() {
		stubUpstream(429, "{\"message\":\"Details:RPM limit reached.\"}", "Retry-After", "3600");
		Reply reply = call(FakeSiliconFlow.SEARCH_KEY, "{\"model\":\"bge-m3\",\"input\":\"x\"}");

		assertError(reply, 429, "requests", "rate_limit_exceeded", null);
		assertThat(reply.headers.getFirst("retry-after")).isEqualTo("60");
	}

	@Test
	void mapsUpstreamOverloadTo503WithRetryAfter() {
		stubUpstream(503,
				"{\"code\":50505,\"message\":\"Model service overloaded. Please try again later.\",\"data\":\"\"}");
		Reply reply = call(FakeSiliconFlow.SEARCH_KEY, "{\"model\":\"bge-m3\",\"input\":\"x\"}");

		assertError(reply, 503, "service_unavailable", "service_unavailable", null);
		assertThat(reply.headers.getFirst("retry-after")).matches("[1-9][0-9]*");
	}

	@Test
	void sendsAnAnswerOfOverSixteenMegabytesWhole() {
		List<String> inputs = new ArrayList<>();
		for (int i = 0; i < 512; i++) {
			inputs.add("text " + i);
		}

		Reply reply = call(FakeSiliconFlow.SEARCH_KEY,
				json.writeValueAsString(Map.of("model", "Qwen/Qwen3-Embedding-8B", "input", inputs)));

		assertThat(reply.status).isEqualTo(200);
		assertThat(reply.raw.length()).isGreaterThan(EmbeddingsResponseWriter.Answer.MAX_JOINED);
		assertThat(reply.body.get("data")).hasSize(512);
		for (int i = 0; i < 512; i++) {
			assertThat(reply.body.get("data").get(i).get("index").intValue()).isEqualTo(i);
			assertThat(floats(reply.body.get("data").get(i).get("embedding")))
				.containsExactly(FakeSiliconFlow.vector(inputs.get(i), 4096));
		}
	}

	@Test
	void aBodyThatStopsArrivingGets408AndItsConnectionClosed() throws IOException {
		try (Socket stalled = new Socket(InetAddress.getLoopbackAddress(), this.port)) {
			stalled.setSoTimeout(10_000);
			stalled.getOutputStream()
				.write(("POST /v1/embeddings HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
						+ FakeSiliconFlow.SEARCH_KEY + "\r\nContent-Type: application/json\r\n"
						+ "Content-Length: 1000\r\n\r\n{\"model\":")
					.getBytes(StandardCharsets.US_ASCII));

			String answer = new String(stalled.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

			assertThat(answer).startsWith("HTTP/1.1 408 ");
			Reply reply = new Reply(408, json.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4)), answer,
					new HttpHeaders());
			assertError(reply, 408, "invalid_request_error", "request_timeout", null);
		}
	}

	@Test
	void mapsUpstreamGatewayTimeoutTo504() {
		stubUpstream(504, "\"upstream timeout\"");
		assertError(call(FakeSiliconFlow.SEARCH_KEY, "{\"model\":\"bge-m3\",\"input\":\"x\"}"), 504, "timeout",
				"timeout", null);
	}

	@Test
	void mapsUpstreamCredentialFailuresTo502WithoutTheKey() {
		stubUpstream(401, "\"Invalid token\"");
		Reply unauthorized = call(FakeSiliconFlow.SEARCH_KEY, "{\"model\":\"bge-m3\",\"input\":\"x\"}");
		assertError(unauthorized, 502, "upstream_error", "upstream_error", null);
		assertThat(unauthorized.headers.getFirst("x-should-retry")).isEqualTo("false");

		stubUpstream(403, "\"Forbidden\"");
		Reply forbidden = call(FakeSiliconFlow.SEARCH_KEY, "{\"model\":\"bge-m3\",\"input\":\"x\"}");
		assertError(forbidden, 502, "upstream_error", "upstream_error", null);
		assertThat(unauthorized.raw + forbidden.raw).doesNotContain(FakeSiliconFlow.UPSTREAM_KEY)
			.doesNotContain(FakeSiliconFlow.SEARCH_KEY);
	}

	@Test
	void mapsUpstreamNotFoundAndGarbageTo502() {
		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.willReturn(aResponse().withStatus(404).withBody("404 page not found")));
		assertError(call(FakeSiliconFlow.SEARCH_KEY, "{\"model\":\"bge-m3\",\"input\":\"x\"}"), 502, "upstream_error",
				"upstream_error", null);

		for (String garbage : List.of("<html>oops</html>", "{\"data\":[{\"embedding\":[1,\"a\"]}]}",
				"{\"data\":[{\"embedding\":[1,2],\"index\":0},{\"embedding\":[1,2],\"index\":0}]}", "")) {
			stubUpstream(200, garbage);
			assertError(call(FakeSiliconFlow.SEARCH_KEY, "{\"model\":\"bge-m3\",\"input\":[\"x\",\"y\"]}"), 502,
					"upstream_error", "upstream_error", null);
		}
	}

	@Test
	void vectorsOfAnotherLengthThanAskedForAreA502NeverA200() {
		stubUpstream(200, FakeSiliconFlow.answer("Qwen/Qwen3-Embedding-0.6B", List.of("x", "y"), 1024));
		Reply notAsRequested = call(FakeSiliconFlow.SEARCH_KEY,
				"{\"model\":\"Qwen/Qwen3-Embedding-0.6B\",\"input\":[\"x\",\"y\"],\"dimensions\":256}");
		stubUpstream(200, FakeSiliconFlow.answer("BAAI/bge-m3", List.of("x", "y"), 768));
		Reply notNative = call(FakeSiliconFlow.SEARCH_KEY, "{\"model\":\"bge-m3\",\"input\":[\"x\",\"y\"]}");

		assertError(notAsRequested, 502, "upstream_error", "upstream_error", null);
		assertThat(notAsRequested.body.get("error").get("message").stringValue())
			.contains("1024 numbers, not the 256 asked for");
		assertError(notNative, 502, "upstream_error", "upstream_error", null);
		assertThat(notNative.body.get("error").get("message").stringValue())
			.contains("768 numbers, not the 1024 asked for");
		assertThat(upstream.calls()).hasSize(2);
		assertThat(upstream.calls().get(0).get("dimensions").intValue()).isEqualTo(256);
	}

	@Test
	void mapsRefusedAndResetConnectionsTo503() {
		assertError(call(FakeSiliconFlow.SEARCH_KEY, "{\"model\":\"nowhere/model\",\"input\":\"x\"}"), 503,
				"service_unavailable", "service_unavailable", null);

		upstream.server()
			.stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1)
				.willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
		Reply reset = call(FakeSiliconFlow.SEARCH_KEY, "{\"model\":\"bge-m3\",\"input\":\"x\"}");
		assertError(reset, 503, "service_unavailable", "service_unavailable", null);
		assertThat(reset.headers.getFirst("retry-after")).isEqualTo("1");
	}

	@Test
	void mapsUpstreamInputRejectionTo400() {
		stubUpstream(400, "{\"code\":20015,\"message\":\"input must have less than 8192 tokens\",\"data\":null}");
		Reply reply = call(FakeSiliconFlow.SEARCH_KEY, "{\"model\":\"bge-m3\",\"input\":\"x\"}");

		assertError(reply, 400, "invalid_request_error", null, "input");
		assertThat(reply.body.get("error").get("message").stringValue()).contains("less than 8192 tokens");
	}

	@Test
	void unknownRoutesAnswerInTheEnvelope() {
		Reply reply = call("/v1/chat/completions", FakeSiliconFlow.SEARCH_KEY, "{}");

		assertError(reply, 404, "invalid_request_error", null, null);
		assertThat(reply.body.get("error").get("message").stringValue())
			.isEqualTo("Unknown request URL: POST /v1/chat/completions. This gateway serves POST /v1/embeddings.");
	}

	@Test
	void otherMethodsOnTheApisPathsAnswer405NamingTheMethodToUse() {
		EntityExchangeResult<byte[]> get = client().get("/v1/embeddings", FakeSiliconFlow.SEARCH_KEY);
		Reply reply = Reply.of(get);

		assertError(reply, 405, "invalid_request_error", null, null);
		assertThat(reply.headers().getAllow()).containsExactly(HttpMethod.POST);
		assertThat(reply.body().get("error").get("message").stringValue())
			.isEqualTo("GET is not allowed on /v1/embeddings; use [POST].");
		EntityExchangeResult<byte[]> post = client().post("/v1/models", FakeSiliconFlow.SEARCH_KEY, "{}");
		assertThat(post.getStatus().value()).isEqualTo(405);
		assertThat(post.getResponseHeaders().getAllow()).containsExactlyInAnyOrder(HttpMethod.GET, HttpMethod.HEAD);
		assertThat(json.readTree(post.getResponseBody()).get("error").get("message").stringValue())
			.isEqualTo("POST is not allowed on /v1/models; use [GET, HEAD].");
	}

	@Test
	void answersHeadOnTheModelListAsGetWithoutABody() {
		EntityExchangeResult<byte[]> head = client().head("/v1/models", FakeSiliconFlow.CHAT_KEY);

		assertThat(head.getStatus().value()).isEqualTo(200);
		assertThat(head.getResponseHeaders().getContentType()).hasToString("application/json");
		assertThat(head.getResponseBody()).isNullOrEmpty();
	}

	@Test
	void listsTheModelsTheTenantMayUse() {
		EntityExchangeResult<byte[]> listed = client().get("/v1/models", FakeSiliconFlow.CHAT_KEY);
		assertThat(listed.getStatus().value()).isEqualTo(200);
		JsonNode models = json.readTree(listed.getResponseBody());

		assertThat(models.get("data")).hasSize(1);
		assertThat(models.get("data").get(0).get("id").stringValue()).isEqualTo("BAAI/bge-m3");
	}

	private void stubUpstream(int status, String body, String... headers) {
		var response = aResponse().withStatus(status).withBody(body);
		for (int i = 0; i < headers.length; i += 2) {
			response = response.withHeader(headers[i], headers[i + 1]);
		}
		upstream.server().stubFor(post(urlEqualTo(FakeSiliconFlow.PATH)).atPriority(1).willReturn(response));
	}

	static void assertError(Reply reply, int status, String type, String code, String param) {
		assertThat(reply.status).as(reply.raw).isEqualTo(status);
		JsonNode error = reply.body.get("error");
		assertThat(error.get("message").stringValue()).isNotBlank();
		assertThat(error.get("type").stringValue()).isEqualTo(type);
		assertThat(error.has("code")).isTrue();
		assertThat(error.has("param")).isTrue();
		assertThat(error.get("code").isNull() ? null : error.get("code").stringValue()).isEqualTo(code);
		assertThat(error.get("param").isNull() ? null : error.get("param").stringValue()).isEqualTo(param);
	}

	static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static float[] floats(JsonNode array) {
		float[] values = new float[array.size()];
		for (int i = 0; i < values.length; i++) {
			values[i] = array.get(i).floatValue();
		}
		return values;
	}

	private GatewayClient client() {
		return new GatewayClient(this.port);
	}

	private Reply call(String key, String body) {
		return call("/v1/embeddings", key, body);
	}

	private Reply call(String path, String key, String body) {
		return Reply.of(client().post(path, key, body));
	}

	/**
	 * A gateway answer: status, body parsed (empty when there is none), raw and headers.
	 */
	record Reply(int status, JsonNode body, String raw, HttpHeaders headers) {

		static Reply of(EntityExchangeResult<byte[]> result) {
			byte[] bytes = result.getResponseBody();
			String raw = (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : "";
			return new Reply(result.getStatus().value(), raw.isEmpty() ? json.createObjectNode() : json.readTree(raw),
					raw, result.getResponseHeaders());
		}

	}

}
