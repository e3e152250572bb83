package com.embeddinggateway.upstream;

import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.handler.timeout.ReadTimeoutException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;

/**
 * Turns whatever the upstream answered, or failed to answer, into an
 * {@link UpstreamFailure}. SiliconFlow's error bodies change shape by status (an object
 * with {@code code}/{@code message}, a bare JSON string, or plain text), so parsing is
 * tolerant of all of them.
 */
final class UpstreamErrors {

	/**
	 * SiliconFlow: 413 {"code":20042,"message":"input batch size 83 > maximum allowed
	 * batch size 64"}.
	 */
	static final int BATCH_TOO_LARGE_CODE = 20042;

	private static final Pattern MAX_BATCH = Pattern.compile("maximum allowed batch size\\s*(\\d+)");

	/** Digits of the largest batch size read from a 413; more is no size at all. */
	private static final int MAX_BATCH_DIGITS = 6;

	/** Characters of the upstream's own error text passed on to callers and logs. */
	static final int MAX_MESSAGE_CHARS = 200;

	private final JsonMapper json;

	UpstreamErrors(JsonMapper json) {
		this.json = json;
	}

	UpstreamFailure fromStatus(int status, HttpHeaders headers, byte[] body, String upstream, String model) {
		ErrorBody error = parse(body);
		Duration retryAfter = retryAfter(headers);
		String text = printable(error.message());
		String detail = (text.isEmpty() ? "" : ": " + text);
		if (status == 413 || error.code() == BATCH_TOO_LARGE_CODE) {
			return new UpstreamFailure.BatchTooLarge("Upstream refused the batch size for " + model + detail,
					maxBatchSize(error.message()), upstream, model);
		}
		return switch (status) {
			case 429 -> new UpstreamFailure.RateLimited("Upstream rate limit reached for " + model + detail, retryAfter,
					isTokenLimit(text));
			case 500, 502, 503 -> new UpstreamFailure.Overloaded(
					"Upstream is unavailable for " + model + " (HTTP " + status + ")" + detail, status, retryAfter);
			case 504 -> new UpstreamFailure.TimedOut("Upstream timed out for " + model + " (HTTP 504)", status);
			case 400, 422 -> new UpstreamFailure.InputRejected("Upstream rejected the input" + detail);
			case 401, 403 -> new UpstreamFailure.CredentialsRejected(
					"Upstream rejected the gateway's credentials for " + model + " (HTTP " + status + ")", status);
			case 404 -> new UpstreamFailure.BadResponse("Upstream does not serve " + model + " (HTTP 404)", status);
			default ->
				new UpstreamFailure.BadResponse("Upstream answered HTTP " + status + " for " + model + detail, status);
		};
	}

	static UpstreamFailure fromTransport(Throwable error, String model) {
		if (error instanceof UpstreamFailure failure) {
			return failure;
		}
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (cause instanceof ReadTimeoutException || cause instanceof TimeoutException) {
				return new UpstreamFailure.TimedOut("Upstream did not answer in time for " + model, 0);
			}
			if (cause instanceof ConnectException) {
				return new UpstreamFailure.Unreachable("Upstream refused the connection for " + model);
			}
		}
		return new UpstreamFailure.Unreachable(
				"Upstream connection failed for " + model + " (" + error.getClass().getSimpleName() + ")");
	}

	/** The body's code and message as the upstream wrote them, not yet made printable. */
	private ErrorBody parse(byte[] body) {
		if (body.length == 0) {
			return new ErrorBody(0, "");
		}
		try {
			JsonNode node = this.json.readTree(body);
			if (node.isObject()) {
				JsonNode code = node.get("code");
				JsonNode message = node.get("message");
				return new ErrorBody((code != null && code.canConvertToInt()) ? code.intValue() : 0,
						(message != null) ? message.asString() : "");
			}
			if (node.isString()) {
				return new ErrorBody(0, node.asString());
			}
		}
		catch (JacksonException ex) {
			// Not JSON: plain text such as "404 page not found".
		}
		// Four bytes a character at most: enough for what is kept.
		return new ErrorBody(0,
				new String(body, 0, Math.min(body.length, 4 * MAX_MESSAGE_CHARS + 4), StandardCharsets.UTF_8));
	}

	/**
	 * The upstream's text as it may reach a caller or a log line: control and format
	 * characters (line breaks, ANSI escapes, bidirectional overrides) become spaces, runs
	 * of spaces one, and at most {@value #MAX_MESSAGE_CHARS} characters are kept. The
	 * text comes from outside: written to a log as it is, it could forge lines or
	 * recolour a terminal.
	 */
	static String printable(String text) {
		StringBuilder kept = new StringBuilder(Math.min(text.length(), MAX_MESSAGE_CHARS + 3));
		int i = 0;
		while (i < text.length() && kept.length() < MAX_MESSAGE_CHARS) {
			int c = text.codePointAt(i);
			i += Character.charCount(c);
			boolean space = Character.isWhitespace(c) || Character.isSpaceChar(c) || !isPrintable(c);
			if (!space) {
				kept.appendCodePoint(c);
			}
			else if (!kept.isEmpty() && kept.charAt(kept.length() - 1) != ' ') {
				kept.append(' ');
			}
		}
		String clipped = kept.toString().strip();
		return (i < text.length()) ? clipped + "..." : clipped;
	}

	private static boolean isPrintable(int c) {
		return switch (Character.getType(c)) {
			case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
					Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR ->
				false;
			default -> true;
		};
	}

	/**
	 * The size a 413 names, or 0 when it names none. A number of more than
	 * {@value #MAX_BATCH_DIGITS} digits names none either: no upstream allows a million
	 * inputs a call, and parsing it as an {@code int} could overflow.
	 */
	static int maxBatchSize(String message) {
		Matcher matcher = MAX_BATCH.matcher(message);
		if (!matcher.find() || matcher.group(1).length() > MAX_BATCH_DIGITS) {
			return 0;
		}
		return Integer.parseInt(matcher.group(1));
	}

	/** SiliconFlow's 429 says "Details:TPM limit reached." (or RPM, RPD, TPD). */
	private static boolean isTokenLimit(String message) {
		return message.contains("TPM") || message.contains("TPD");
	}

	/**
	 * {@code retry-after-ms} (OpenAI style) or {@code Retry-After} in seconds or as an
	 * HTTP date.
	 */
	static @Nullable Duration retryAfter(HttpHeaders headers) {
		String millis = headers.getFirst("retry-after-ms");
		if (millis != null) {
			try {
				return positive(Duration.ofMillis((long) Double.parseDouble(millis.strip())));
			}
			catch (NumberFormatException ex) {
				// fall through to Retry-After
			}
		}
		String value = headers.getFirst(HttpHeaders.RETRY_AFTER);
		if (value == null) {
			return null;
		}
		try {
			return positive(Duration.ofMillis((long) (Double.parseDouble(value.strip()) * 1000)));
		}
		catch (NumberFormatException ex) {
			try {
				ZonedDateTime at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
				return positive(Duration.between(ZonedDateTime.now(at.getZone()), at));
			}
			catch (DateTimeParseException ignored) {
				return null;
			}
		}
	}

	private static @Nullable Duration positive(Duration duration) {
		return duration.isNegative() ? Duration.ZERO : duration;
	}

	private record ErrorBody(int code, String message) {
	}

}
