package com.embeddinggateway.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends one scenario's request to one server and prints one JSON line of results.
 * <ul>
 * <li>{@code --mode closed}: {@code --connections} callers each send back to back; the
 * throughput is the server's maximum.</li>
 * <li>{@code --mode open}: requests leave at a fixed {@code --rate} whether or not
 * earlier ones were answered, and each latency counts from the moment the request was
 * due, not sent, so a stalled server cannot hide its queue (no coordinated
 * omission).</li>
 * </ul>
 * Only requests of the {@code --duration} window after {@code --warmup} are counted. With
 * {@code --server-pid} the line also carries that server's CPU ticks over the window and
 * its peak memory over the run.
 */
public final class LoadGen {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Set<String> OPTIONS = Set.of("url", "mode", "connections", "rate", "warmup", "duration",
			"timeout", "model", "inputs", "text", "encoding-format", "dimensions", "key", "scenario", "target",
			"server-pid", "clk-tck");

	/**
	 * Eleven words: short enough to be cheap, long enough to look like a real chunk
	 * title.
	 */
	private static final String TEXT = "The quick brown fox jumps over the lazy dog near the river bank.";

	private final Args args;

	private final String url;

	private final byte[] body;

	private final HttpClient client;

	private final long warmupNanos;

	private final long durationNanos;

	private final Duration timeout;

	private final long serverPid;

	private final int poolSize;

	private LoadGen(Args args, int poolSize) {
		this.args = args;
		this.poolSize = poolSize;
		this.url = args.required("url");
		this.body = RequestBody.embeddings(args.get("model", "BAAI/bge-m3"), args.intValue("inputs", 1),
				args.get("text", TEXT), args.get("encoding-format", "float"), args.intValue("dimensions", 0));
		this.warmupNanos = nanos(args.seconds("warmup", 60));
		this.durationNanos = nanos(args.seconds("duration", 30));
		this.timeout = Duration.ofMillis((long) (args.seconds("timeout", 60) * 1000));
		this.serverPid = Long.parseLong(args.get("server-pid", "-1"));
		ConnectionProvider connections = ConnectionProvider.builder("loadgen")
			.maxConnections(poolSize)
			.pendingAcquireMaxCount(-1)
			.pendingAcquireTimeout(this.timeout)
			.build();
		String key = args.get("key", "");
		this.client = HttpClient.create(connections)
			.runOn(LoopResources.create("loadgen", Runtime.getRuntime().availableProcessors(), true))
			.responseTimeout(this.timeout)
			.headers((headers) -> {
				headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
				headers.set(HttpHeaderNames.CONTENT_LENGTH, this.body.length);
				if (!key.isEmpty()) {
					headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + key);
				}
			});
	}

	public static void main(String[] arguments) throws InterruptedException {
		Args args = Args.parse(arguments, OPTIONS);
		String mode = args.required("mode");
		Map<String, Object> result;
		if ("closed".equals(mode)) {
			int concurrency = args.intValue("connections", 64);
			result = new LoadGen(args, concurrency).closed();
		}
		else if ("open".equals(mode)) {
			double rate = Double.parseDouble(args.required("rate"));
			result = new LoadGen(args, args.intValue("connections", 1024)).open(rate);
		}
		else {
			throw new IllegalArgumentException("--mode must be closed or open");
		}
		System.out.println(JSON.writeValueAsString(result));
		System.out.flush();
		// The client's event loops may still hold late answers; nothing is left to wait
		// for.
		System.exit(0);
	}

	private Map<String, Object> closed() throws InterruptedException {
		int concurrency = this.poolSize;
		Measurement measured = new Measurement();
		boolean peakReset = resetPeak();
		long start = System.nanoTime();
		long warmEnd = start + this.warmupNanos;
		long end = warmEnd + this.durationNanos;
		CompletableFuture<Void> done = Flux.range(0, concurrency).flatMap((caller) -> Mono.defer(() -> {
			long sent = System.nanoTime();
			return send().doOnNext((answer) -> {
				long now = System.nanoTime();
				if (now >= warmEnd && now < end) {
					answer.tally(measured, now - sent);
				}
			});
		}).repeat(() -> System.nanoTime() < end), concurrency).then().toFuture();
		sleepUntil(warmEnd);
		ProcStats.Sample before = probe();
		sleepUntil(end);
		ProcStats.Sample after = probe();
		awaitQuietly(done);
		return result("closed", concurrency, measured, before, after, peakReset);
	}

	private Map<String, Object> open(double rate) throws InterruptedException {
		Measurement measured = new Measurement();
		boolean peakReset = resetPeak();
		long start = System.nanoTime();
		long warmEnd = start + this.warmupNanos;
		long end = warmEnd + this.durationNanos;
		AtomicLong outstanding = new AtomicLong();
		long sentMeasured = 0;
		ProcStats.Sample before = null;
		for (long i = 0;; i++) {
			long due = start + (long) (i * 1e9 / rate);
			if (due >= end) {
				break;
			}
			if (before == null && due >= warmEnd) {
				sleepUntil(warmEnd);
				before = probe();
			}
			sleepUntil(due);
			boolean counted = due >= warmEnd;
			sentMeasured += counted ? 1 : 0;
			outstanding.incrementAndGet();
			// Behind schedule, requests go at once and their latency still counts from
			// when they were due.
			send().subscribe((answer) -> {
				if (counted) {
					answer.tally(measured, System.nanoTime() - due);
				}
				outstanding.decrementAndGet();
			});
		}
		if (before == null) {
			before = probe();
		}
		sleepUntil(end);
		ProcStats.Sample after = probe();
		long deadline = System.nanoTime() + this.timeout.toNanos() + TimeUnit.SECONDS.toNanos(5);
		while (outstanding.get() > 0 && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		for (long missing = sentMeasured - measured.okCount() - measured.errorCount(); missing > 0; missing--) {
			measured.error("no answer before the end of the run");
			measured.timeout();
		}
		Map<String, Object> result = result("open", this.poolSize, measured, before, after, peakReset);
		result.put("rate", rate);
		return result;
	}

	private Mono<Answer> send() {
		return Mono.defer(() -> {
			// From when the request was written on a connection, not from when it began
			// waiting for one: how long the server took, without the load generator's own
			// queue.
			long[] sent = { System.nanoTime() };
			return this.client.doAfterRequest((request, connection) -> sent[0] = System.nanoTime())
				.post()
				.uri(this.url)
				.send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(this.body)))
				.response((response, content) -> content.map(ByteBuf::readableBytes)
					.reduce(0L, (sum, bytes) -> sum + bytes)
					.map((bytes) -> new Answer(response.status().code(), bytes, null, System.nanoTime() - sent[0])))
				.next()
				.onErrorResume((ex) -> Mono.just(new Answer(-1, 0, ex.toString(), System.nanoTime() - sent[0])));
		});
	}

	private Map<String, Object> result(String mode, int connections, Measurement measured, ProcStats.Sample before,
			ProcStats.Sample after, boolean peakReset) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("scenario", this.args.get("scenario", ""));
		result.put("target", this.args.get("target", ""));
		result.put("mode", mode);
		result.put("connections", connections);
		result.put("warmup_s", this.warmupNanos / 1e9);
		result.put("duration_s", this.durationNanos / 1e9);
		result.put("count", measured.okCount());
		result.put("errors", measured.errorCount());
		result.put("throughput", round(measured.okCount() / (this.durationNanos / 1e9)));
		result.put("p50_ms", round(measured.percentileMillis(50)));
		result.put("p90_ms", round(measured.percentileMillis(90)));
		result.put("p99_ms", round(measured.percentileMillis(99)));
		result.put("max_ms", round(measured.maxMillis()));
		result.put("bytes_per_response", measured.bytesPerResponse());
		result.put("shed", measured.shedCount());
		result.put("shed_fast", measured.shedFastCount());
		result.put("shed_p99_ms", round(measured.shedPercentileMillis(99)));
		result.put("timeouts", measured.timeoutCount());
		if (measured.firstError() != null) {
			result.put("first_error", measured.firstError());
		}
		if (this.serverPid > 0) {
			result.put("cpu_ticks", after.ticks() - before.ticks());
			result.put("clk_tck", this.args.intValue("clk-tck", 100));
			result.put("peak_rss_kb", after.peakRssKb());
			result.put("peak_rss_since_run_start", peakReset);
		}
		return result;
	}

	private boolean resetPeak() {
		return this.serverPid > 0 && ProcStats.resetPeak(this.serverPid);
	}

	private ProcStats.Sample probe() {
		return (this.serverPid > 0) ? ProcStats.sample(this.serverPid) : new ProcStats.Sample(0, 0);
	}

	private void awaitQuietly(CompletableFuture<Void> done) throws InterruptedException {
		try {
			done.get(this.timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			// Answers after the window are not counted; a caller stuck past the timeout
			// is
			// already an error in the window or outside it.
		}
	}

	private static void sleepUntil(long deadline) {
		for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
			LockSupport.parkNanos(left);
		}
	}

	private static long nanos(double seconds) {
		return (long) (seconds * 1e9);
	}

	private static double round(double value) {
		return Math.round(value * 100) / 100.0;
	}

	/**
	 * One response: its status (-1 when none came), body size, and the time from sending
	 * the request to its end.
	 */
	private record Answer(int status, long bytes, String failure, long serverNanos) {

		void tally(Measurement measured, long latencyNanos) {
			if (this.status == 200) {
				measured.ok(latencyNanos, this.bytes);
				return;
			}
			measured.error((this.failure != null) ? this.failure : "HTTP " + this.status);
			if (this.status == 503) {
				measured.shed(this.serverNanos);
			}
			else if (this.status == 504 || (this.failure != null && this.failure.contains("Timeout"))) {
				measured.timeout();
			}
		}

	}

}
