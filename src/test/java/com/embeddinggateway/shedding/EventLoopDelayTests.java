package com.embeddinggateway.shedding;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.Test;
import reactor.netty.resources.LoopResources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EventLoopDelayTests {

	@Test
	void reportsHowLongATaskWaitedBehindABusyLoop() {
		LoopResources resources = LoopResources.create("delay-test", 2, true);
		AtomicLong worst = new AtomicLong();
		EventLoopDelay probes = new EventLoopDelay(resources, TimeUnit.MILLISECONDS.toNanos(10),
				(delay) -> worst.accumulateAndGet(delay, Math::max));
		try {
			probes.start();
			EventLoopGroup loops = resources.onServer(LoopResources.DEFAULT_NATIVE);
			EventExecutor busy = loops.iterator().next();
			// 300 ms of work on one loop: the probe due on it meanwhile runs that much
			// late.
			busy.execute(() -> sleep(300));

			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(worst.get()).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(200)));
		}
		finally {
			probes.stop();
			resources.dispose();
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
