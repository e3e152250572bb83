package com.embeddinggateway.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * A clock that stands still until a test moves it, so that per-minute limits never refill
 * behind a test's back and a day can roll over on demand.
 */
final class TestClock extends Clock {

	static final Instant START = Instant.parse("2026-12-02T10:00:00Z");

	private volatile Instant now = START;

	void set(Instant instant) {
		this.now = instant;
	}

	void advance(Duration duration) {
		this.now = this.now.plus(duration);
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return this;
	}

	@Override
	public Instant instant() {
		return this.now;
	}

	/** Puts a {@link TestClock} in place of the gateway's own. */
	@Configuration(proxyBeanMethods = false)
	static class Replacement {

		@Bean
		@Primary
		TestClock testClock() {
			return new TestClock();
		}

	}

}
