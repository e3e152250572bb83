package com.embeddinggateway.bench;

import java.util.Locale;

/**
 * One of the targets against what a run measured.
 *
 * @param measured the measured figure as shown in the report
 */
record Check(String what, String measured, String goal, Verdict verdict) {

	enum Verdict {

		MET("met"), MISSED("**missed**"), NO_DATA("no data");

		private final String text;

		Verdict(String text) {
			this.text = text;
		}

		String text() {
			return this.text;
		}

	}

	/**
	 * A figure that must reach {@code bound}; NaN (a run it needs is missing) is no data.
	 */
	static Check atLeast(String what, double value, double bound) {
		return new Check(what, figure(value), ">= " + figure(bound), verdict(value, value >= bound));
	}

	/** A figure that must stay at or under {@code bound}. */
	static Check atMost(String what, double value, double bound) {
		return new Check(what, figure(value), "<= " + figure(bound), verdict(value, value <= bound));
	}

	static Check holds(String what, String measured, boolean holds, String goal) {
		return new Check(what, measured, goal, holds ? Verdict.MET : Verdict.MISSED);
	}

	/** Two decimals without trailing zeros; a dash for NaN. */
	static String figure(double value) {
		if (Double.isNaN(value)) {
			return "–";
		}
		String text = String.format(Locale.ROOT, "%.2f", value);
		return text.contains(".") ? text.replaceAll("\\.?0+$", "") : text;
	}

	private static Verdict verdict(double value, boolean holds) {
		if (Double.isNaN(value)) {
			return Verdict.NO_DATA;
		}
		return holds ? Verdict.MET : Verdict.MISSED;
	}

}
