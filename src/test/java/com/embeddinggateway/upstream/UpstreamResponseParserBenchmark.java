package com.embeddinggateway.upstream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * How fast {@link UpstreamResponseParser} checks an upstream's answer of 32 vectors of
 * 1024 floats, in megabytes per second, for the two ways upstreams print a float32: its
 * shortest form ({@code 0.025901297}) and the double it widens to, as Python prints it
 * ({@code 0.025901297479867935}); and, given a file's path as argument, for that answer,
 * captured from an upstream. Not a test: run it on demand (see bench/README.md).
 */
public final class UpstreamResponseParserBenchmark {

	private static final int VECTORS = 32;

	private static final int DIMENSIONS = 1024;

	private static final int ROUNDS = 30;

	private static final int REPEATS = 50;

	private UpstreamResponseParserBenchmark() {
	}

	public static void main(String[] args) {
		for (String form : (args.length > 0) ? new String[] { "shortest", "python", args[0] }
				: new String[] { "shortest", "python" }) {
			byte[] answer = switch (form) {
				case "shortest" -> answer(false);
				case "python" -> answer(true);
				default -> read(Path.of(form));
			};
			double nanos = 0;
			long dimensions = 0;
			for (int round = 0; round < ROUNDS; round++) {
				long start = System.nanoTime();
				for (int i = 0; i < REPEATS; i++) {
					dimensions += UpstreamResponseParser.parse(answer, VECTORS, 0, "m").dimensions();
				}
				// The first half of the rounds warms the JIT up.
				if (round >= ROUNDS / 2) {
					nanos += (System.nanoTime() - start) / (double) REPEATS / (ROUNDS - ROUNDS / 2);
				}
			}
			long numbers = dimensions / (ROUNDS * REPEATS) * VECTORS;
			System.out.printf("%-8s %7d bytes  %6.1f us/answer  %6.0f MB/s  %5.2f ns/number%n", form, answer.length,
					nanos / 1000, answer.length / nanos * 1000, nanos / numbers);
		}
	}

	private static byte[] read(Path answer) {
		try {
			return Files.readAllBytes(answer);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** An OpenAI-shaped answer of floats around zero, as an upstream sends it. */
	private static byte[] answer(boolean python) {
		SplittableRandom random = new SplittableRandom(1);
		StringBuilder json = new StringBuilder("{\"object\":\"list\",\"data\":[");
		for (int v = 0; v < VECTORS; v++) {
			json.append((v > 0) ? "," : "").append("{\"object\":\"embedding\",\"index\":").append(v);
			json.append(",\"embedding\":[");
			for (int i = 0; i < DIMENSIONS; i++) {
				float value = (float) (random.nextGaussian() * 0.03);
				json.append((i > 0) ? "," : "").append(python ? Double.toString(value) : Float.toString(value));
			}
			json.append("]}");
		}
		json.append("],\"model\":\"BAAI/bge-m3\",\"usage\":{\"prompt_tokens\":320,\"total_tokens\":320}}");
		return json.toString().getBytes(StandardCharsets.US_ASCII);
	}

}
