package com.embeddinggateway.warmup;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The warm-up's request bodies, in the proportions callers send them: mostly one text (as
 * a string, the way most clients send a single input, and as an array of one), some
 * batches of 32 and a few of 100 fanned out in four upstream calls, in float and base64.
 * The JIT compiles what runs most, so the single-input path must run most; the batches
 * are there so that the fan-out, the reassembly and the large answers are compiled too.
 * Texts of several scripts and lengths make token counting meet what it meets in
 * production.
 */
final class Requests {

	private static final String[] TEXTS = { "How do I reset my password?",
			"Embeddings turn text into vectors; similar meanings land close together.",
			"Der schnelle braune Fuchs springt über den faulen Hund.", "向量检索把文本变成数字，语义相近的文本彼此靠近。",
			"Résumé: l'entrée est découpée en jetons, puis chaque jeton reçoit un identifiant.",
			"SELECT id, title FROM documents WHERE updated_at > now() - interval '1 day';" };

	/** One round: how many requests of each shape it sends. */
	private static final Shape[] ROUND = { new Shape(Input.STRING, 1, null, 112),
			new Shape(Input.STRING, 1, "base64", 16), new Shape(Input.ARRAY, 1, "float", 8),
			new Shape(Input.ARRAY, 32, "float", 1), new Shape(Input.ARRAY, 32, "base64", 1),
			new Shape(Input.ARRAY, 100, "float", 1) };

	private Requests() {
	}

	/**
	 * A round's bodies, the shapes interleaved so that the requests in flight at any
	 * moment mix them as a caller's traffic does.
	 */
	static List<byte[]> round(String model) {
		List<List<byte[]>> byShape = new ArrayList<>();
		int longest = 0;
		for (Shape shape : ROUND) {
			List<byte[]> bodies = new ArrayList<>();
			for (int i = 0; i < shape.count(); i++) {
				bodies.add(shape.body(model, i));
			}
			byShape.add(bodies);
			longest = Math.max(longest, shape.count());
		}
		List<byte[]> round = new ArrayList<>();
		for (int i = 0; i < longest; i++) {
			for (List<byte[]> bodies : byShape) {
				if (i < bodies.size()) {
					round.add(bodies.get(i));
				}
			}
		}
		return round;
	}

	private enum Input {

		STRING, ARRAY

	}

	/** {@code format} null leaves {@code encoding_format} out, as most callers do. */
	private record Shape(Input input, int inputs, @Nullable String format, int count) {

		byte[] body(String model, int variant) {
			StringBuilder json = new StringBuilder("{\"model\":\"").append(model).append("\",\"input\":");
			if (this.input == Input.STRING) {
				text(json, variant);
			}
			else {
				json.append('[');
				for (int i = 0; i < this.inputs; i++) {
					json.append((i > 0) ? "," : "");
					text(json, variant + i);
				}
				json.append(']');
			}
			if (this.format != null) {
				json.append(",\"encoding_format\":\"").append(this.format).append('"');
			}
			return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
		}

		private static void text(StringBuilder json, int i) {
			json.append('"').append(TEXTS[i % TEXTS.length]).append(' ').append(i).append('"');
		}

	}

}
