package com.embeddinggateway.ratelimit;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The day and month (UTC) a moment falls in: the names of their budget counters and when
 * each ends.
 *
 * @param nowMillis the moment
 * @param day {@code 2026-12-02}
 * @param month {@code 2026-12}
 * @param dayEndMillis the next midnight
 * @param monthEndMillis the first midnight of the next month
 */
record Periods(long nowMillis, String day, String month, long dayEndMillis, long monthEndMillis) {

	static Periods at(Instant now) {
		LocalDate date = LocalDate.ofInstant(now, ZoneOffset.UTC);
		long dayEnd = date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
		long monthEnd = date.withDayOfMonth(1).plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
		return new Periods(now.toEpochMilli(), date.toString(), date.toString().substring(0, 7), dayEnd, monthEnd);
	}

}
