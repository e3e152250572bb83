package com.embeddinggateway.upstream;

import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import io.netty.handler.timeout.ReadTimeoutException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamErrorsTests {

	final UpstreamErrors errors = new UpstreamErrors(JsonMapper.builder().build());

	@Test
	void classifiesEveryBodyShapeSiliconFlowUses() {
		assertThat(classify(400, "{\"code\":20015,\"message\":\"input too long\",\"data\":null}"))
			.isInstanceOf(UpstreamFailure.InputRejected.class)
			.hasMessageContaining("input too long");
		assertThat(classify(401, "\"Invalid token\"")).isInstanceOf(UpstreamFailure.CredentialsRejected.class);
		assertThat(classify(403, "Forbidden")).isInstanceOf(UpstreamFailure.CredentialsRejected.class);
		assertThat(classify(404, "404 page not found")).isInstanceOf(UpstreamFailure.BadResponse.class);
		assertThat(classify(503, "{\"code\":50505,\"message\":\"Model service overloaded.\",\"data\":\"\"}"))
			.isInstanceOf(UpstreamFailure.Overloaded.class)
			.satisfies((failure) -> assertThat(failure.isTransient()).isTrue());
		assertThat(classify(500, "")).isInstanceOf(UpstreamFailure.Overloaded.class);
		assertThat(classify(504, "\"timeout\"")).isInstanceOf(UpstreamFailure.TimedOut.class);
		assertThat(classify(418, "<html>")).isInstanceOf(UpstreamFailure.BadResponse.class);
	}

	@Test
	void readsWhichLimitA429Names() {
		UpstreamFailure tokens = classify(429,
				"{\"message\":\"Request was rejected due to rate limiting. Details:TPM limit reached.\",\"data\":\"\"}");
		UpstreamFailure requests = classify(429, "{\"message\":\"Details:RPM limit reached.\"}");

		assertThat(((UpstreamFailure.RateLimited) tokens).tokenLimit()).isTrue();
		assertThat(((UpstreamFailure.RateLimited) requests).tokenLimit()).isFalse();
	}

	@Test
	void readsTheBatchLimitFromA413() {
		UpstreamFailure failure = classify(413,
				"{\"code\":20042,\"message\":\"input batch size 83 > maximum allowed batch size 64\",\"data\":null}");

		assertThat(failure).isInstanceOf(UpstreamFailure.BatchTooLarge.class);
		assertThat(((UpstreamFailure.BatchTooLarge) failure).maxBatchSize()).isEqualTo(64);
		assertThat(((UpstreamFailure.BatchTooLarge) classify(413, "too large")).maxBatchSize()).isZero();
	}

	@Test
	void aBatchSizeTooLargeForAnIntNamesNoSize() {
		UpstreamFailure failure = classify(413, "{\"code\":20042,\"message\":"
				+ "\"input batch size 83 > maximum allowed batch size 99999999999\",\"data\":null}");

		assertThat(failure).isInstanceOf(UpstreamFailure.BatchTooLarge.class);
		assertThat(((UpstreamFailure.BatchTooLarge) failure).maxBatchSize()).isZero();
		assertThat(UpstreamErrors.maxBatchSize("maximum allowed batch size 2147483648")).isZero();
		assertThat(UpstreamErrors.maxBatchSize("maximum allowed batch size 0")).isZero();
		assertThat(UpstreamErrors.maxBatchSize("maximum allowed batch size 64")).isEqualTo(64);
	}

	@Test
	void passesOnOnlyPrintableUpstreamTextAndNotMuchOfIt() {
		UpstreamFailure escapes = classify(400,
				"{\"code\":20015,\"message\":\"bad\\u001b[31m input\\r\\nrequest 7 ok\\u0000\\u202e\\u0007 end\"}");
		UpstreamFailure plain = classify(500, "line one\r\n\u001b]0;title\u0007line two\t\u00e9\u4e2d");
		UpstreamFailure huge = classify(503, "{\"message\":\"" + "overloaded ".repeat(1000) + "\"}");

		assertThat(escapes.getMessage()).endsWith(": bad [31m input request 7 ok end");
		assertThat(plain.getMessage()).endsWith(": line one ]0;title line two \u00e9\u4e2d");
		assertThat(huge.getMessage().substring(huge.getMessage().indexOf(": ") + 2))
			.hasSize(UpstreamErrors.MAX_MESSAGE_CHARS + "...".length())
			.endsWith("...");
		for (UpstreamFailure failure : new UpstreamFailure[] { escapes, plain, huge }) {
			assertThat(failure.getMessage().codePoints())
				.allSatisfy((c) -> assertThat(Character.isISOControl(c) || Character.getType(c) == Character.FORMAT)
					.as("U+%04X", c)
					.isFalse());
		}
	}

	@Test
	void honoursRetryAfterInSecondsMillisecondsOrAsADate() {
		assertThat(UpstreamErrors.retryAfter(headers("Retry-After", "7"))).isEqualTo(Duration.ofSeconds(7));
		assertThat(UpstreamErrors.retryAfter(headers("retry-after-ms", "1500"))).isEqualTo(Duration.ofMillis(1500));
		String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(30));
		assertThat(UpstreamErrors.retryAfter(headers("Retry-After", date))).isBetween(Duration.ofSeconds(25),
				Duration.ofSeconds(31));
		assertThat(UpstreamErrors.retryAfter(headers("Retry-After", "soon"))).isNull();
		assertThat(UpstreamErrors.retryAfter(new HttpHeaders())).isNull();
	}

	@Test
	void classifiesTransportFailures() {
		assertThat(UpstreamErrors.fromTransport(wrapped(new ConnectException("refused")), "m"))
			.isInstanceOf(UpstreamFailure.Unreachable.class);
		assertThat(UpstreamErrors.fromTransport(wrapped(ReadTimeoutException.INSTANCE), "m"))
			.isInstanceOf(UpstreamFailure.TimedOut.class);
		assertThat(UpstreamErrors.fromTransport(new IllegalStateException("reset"), "m"))
			.isInstanceOf(UpstreamFailure.Unreachable.class);
	}

	private UpstreamFailure classify(int status, String body) {
		return this.errors.fromStatus(status, new HttpHeaders(), body.getBytes(StandardCharsets.UTF_8), "up", "m");
	}

	private static HttpHeaders headers(String name, String value) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(name, value);
		return headers;
	}

	private static WebClientRequestException wrapped(Throwable cause) {
		return new WebClientRequestException(cause, org.springframework.http.HttpMethod.POST,
				java.net.URI.create("http://localhost/v1/embeddings"), new HttpHeaders());
	}

}
