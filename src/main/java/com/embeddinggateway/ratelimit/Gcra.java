package com.embeddinggateway.ratelimit;

/**
 * A per-minute limit as the generic cell rate algorithm: one number per limit, the
 * theoretical arrival time ({@code tat}) at which the bucket would be full again. Taking
 * {@code n} units moves it {@code n x 60 s / limit} later; the take fits while
 * {@code tat} stays within a minute of now. This is a token bucket of {@code limit} units
 * refilled evenly over a minute, kept as one value so that Redis can update it atomically
 * in one script ({@code admit.lua} and {@code pace.lua} do the same sums).
 */
final class Gcra {

	static final long WINDOW_MILLIS = 60_000;

	/** {@link Take#waitMillis()} of a take larger than the whole limit. */
	static final long NEVER = -1;

	private Gcra() {
	}

	/**
	 * Taking {@code units} at {@code now} from a limit whose state is {@code tat}.
	 * @param tat the stored state, or a value at or before {@code now} when none
	 */
	static Take take(double tat, long now, long limit, long units) {
		double interval = (double) WINDOW_MILLIS / limit;
		double base = Math.max(tat, now);
		double newTat = base + units * interval;
		double wait = newTat - now - WINDOW_MILLIS;
		if (wait <= 0) {
			return new Take(true, newTat, 0, remaining(now, newTat, interval), (long) Math.ceil(newTat - now));
		}
		long waitMillis = (units > limit) ? NEVER : (long) Math.ceil(wait);
		return new Take(false, base, waitMillis, remaining(now, base, interval), (long) Math.ceil(base - now));
	}

	/** The state after taking {@code units}, whether or not they fit now. */
	static double reserve(double tat, long now, long limit, long units) {
		return Math.max(tat, now) + units * ((double) WINDOW_MILLIS / limit);
	}

	/** The state after {@code units} more (or, negative, fewer) were spent than taken. */
	static double correct(double tat, long now, long limit, long units) {
		double corrected = Math.max(tat, now) + units * ((double) WINDOW_MILLIS / limit);
		return Math.max(corrected, now);
	}

	private static long remaining(long now, double tat, double interval) {
		return Math.max(0, (long) Math.floor((now + WINDOW_MILLIS - tat) / interval));
	}

	/**
	 * @param allowed whether the units fit now
	 * @param tat the state to store if they are taken (the unchanged one if not)
	 * @param waitMillis how long until they would fit, {@link #NEVER} if they never can
	 * @param remaining units left after this take (before it, if refused)
	 * @param resetMillis until the bucket is full again
	 */
	record Take(boolean allowed, double tat, long waitMillis, long remaining, long resetMillis) {
	}

}
