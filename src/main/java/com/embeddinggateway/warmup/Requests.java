package com.embeddinggateway.warmup;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The warm-up's request bodies: the shapes callers send (one input, a batch of 32, 100
 * inputs fanned out in four upstream calls), each in float and in base64, with texts of
 * several scripts and lengths so that token counting meets what it meets in production.
 */
final class Requests {

	private static final String[] TEXTS = { "How do I reset my password?",
			"Embeddings turn text into vectors; similar meanings land close together.",
			"Der schnelle braune Fuchs springt über den faulen Hund.", "向量检索把文本变成数字，语义相近的文本彼此靠近。",
			"Résumé: l'entrée est découpée en jetons, puis chaque jeton reçoit un identifiant.",
			"SELECT id, title FROM documents WHERE updated_at > now() - interval '1 day';" };

	private Requests() {
	}

	static List<byte[]> bodies(String model) {
		List<byte[]> bodies = new ArrayList<>();
		for (int inputs : new int[] { 1, 32, 100 }) {
			for (String format : new String[] { "float", "base64" }) {
				bodies.add(body(model, inputs, format));
			}
		}
		return bodies;
	}

	private static byte[] body(String model, int inputs, String format) {
		StringBuilder json = new StringBuilder("{\"model\":\"").append(model).append("\",\"input\":[");
		for (int i = 0; i < inputs; i++) {
			String text = TEXTS[i % TEXTS.length];
			json.append((i > 0) ? "," : "").append('"').append(text).append(' ').append(i).append('"');
		}
		json.append("],\"encoding_format\":\"").append(format).append("\"}");
		return json.toString().getBytes(StandardCharsets.UTF_8);
	}

}
