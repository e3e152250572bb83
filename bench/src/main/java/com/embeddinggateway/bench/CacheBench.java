package com.embeddinggateway.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Recorder;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cache's scenarios, each printing one Markdown table row:
 * <ul>
 * <li>{@code corpus}: a corpus of distinct chunks embedded twice in requests of
 * {@code --batch} inputs by {@code --callers} callers; the time of each pass and the
 * upstream tokens each spent, read from the gateway's {@code gateway_tokens_total} (the
 * second pass should spend none);</li>
 * <li>{@code paced}: {@code --callers} callers each sending single-input requests back to
 * back for {@code --duration} seconds; requests/s, p50 and p99, and the upstream calls/s
 * the gateway made, read from {@code gateway_upstream_calls_seconds_count}.</li>
 * </ul>
 */
public final class CacheBench {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Set<String> OPTIONS = Set.of("mode", "url", "metrics-url", "key", "model", "chunks", "batch",
			"callers", "warmup", "duration", "label");

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	private static final int MAX_ATTEMPTS = 30;

	private final Args args;

	/** Requests the gateway refused with 503 or 429 and that were sent again. */
	private final AtomicLong refusals = new AtomicLong();

	private CacheBench(Args args) {
		this.args = args;
	}

	public static void main(String[] arguments) throws Exception {
		Args args = Args.parse(arguments, OPTIONS);
		CacheBench bench = new CacheBench(args);
		String mode = args.required("mode");
		try {
			if ("corpus".equals(mode)) {
				bench.corpus();
			}
			else if ("paced".equals(mode)) {
				bench.paced();
			}
			else {
				throw new IllegalArgumentException("--mode must be corpus or paced");
			}
		}
		catch (Exception ex) {
			ex.printStackTrace();
			// The callers' threads would keep the JVM alive.
			System.exit(1);
		}
		System.exit(0);
	}

	/** Chunk {@code i} of the corpus: about 40 words, different for every {@code i}. */
	static String chunk(int i) {
		StringBuilder text = new StringBuilder("Chunk ").append(i).append(':');
		long seed = i * 0x9E3779B97F4A7C15L;
		for (int word = 0; word < 40; word++) {
			seed = seed * 6364136223846793005L + 1442695040888963407L;
			text.append(' ').append(WORDS[(int) ((seed >>> 33) % WORDS.length)]);
		}
		return text.toString();
	}

	private static final String[] WORDS = { "gateway", "vector", "embedding", "search", "index", "token", "model",
			"river", "mountain", "policy", "invoice", "customer", "latency", "replica", "cluster", "document",
			"chapter", "summary", "query", "answer", "memory", "budget", "account", "market", "signal", "battery" };

	private void corpus() throws Exception {
		int chunks = this.args.intValue("chunks", 10_000);
		int batch = this.args.intValue("batch", 32);
		int callers = this.args.intValue("callers", 8);
		List<List<String>> requests = new ArrayList<>();
		for (int from = 0; from < chunks; from += batch) {
			List<String> inputs = new ArrayList<>();
			for (int i = from; i < Math.min(chunks, from + batch); i++) {
				inputs.add(chunk(i));
			}
			requests.add(inputs);
		}
		double[] seconds = new double[2];
		double[] tokens = new double[2];
		for (int pass = 0; pass < 2; pass++) {
			double before = metric("gateway_tokens_total");
			long start = System.nanoTime();
			sendAll(requests, callers);
			seconds[pass] = (System.nanoTime() - start) / 1e9;
			tokens[pass] = metric("gateway_tokens_total") - before;
		}
		System.out.printf(Locale.ROOT,
				"| %s | %d chunks, %d per request, %d callers | %.1f s | %.0f | %.1f s | %.0f | %d |%n",
				this.args.get("label", "corpus"), chunks, batch, callers, seconds[0], tokens[0], seconds[1], tokens[1],
				this.refusals.get());
	}

	private void sendAll(List<List<String>> requests, int callers) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(callers);
		AtomicInteger next = new AtomicInteger();
		List<Future<?>> running = new ArrayList<>();
		for (int c = 0; c < callers; c++) {
			running.add(pool.submit(() -> {
				for (int i = next.getAndIncrement(); i < requests.size(); i = next.getAndIncrement()) {
					send(requests.get(i));
				}
				return null;
			}));
		}
		for (Future<?> caller : running) {
			caller.get();
		}
		pool.shutdown();
	}

	private void paced() throws Exception {
		int callers = this.args.intValue("callers", 64);
		long warmupNanos = (long) (this.args.seconds("warmup", 10) * 1e9);
		long durationNanos = (long) (this.args.seconds("duration", 30) * 1e9);
		Recorder latencies = new Recorder(3);
		AtomicLong answered = new AtomicLong();
		AtomicInteger serial = new AtomicInteger();
		long start = System.nanoTime();
		long measureFrom = start + warmupNanos;
		long end = measureFrom + durationNanos;
		double[] callsBefore = new double[1];
		ExecutorService pool = Executors.newFixedThreadPool(callers);
		List<Future<?>> running = new ArrayList<>();
		for (int c = 0; c < callers; c++) {
			running.add(pool.submit(() -> {
				while (System.nanoTime() < end) {
					long sent = System.nanoTime();
					send(List.of(chunk(serial.getAndIncrement())));
					long now = System.nanoTime();
					if (sent >= measureFrom && now <= end) {
						latencies.recordValue(now - sent);
						answered.incrementAndGet();
					}
				}
				return null;
			}));
		}
		Thread.sleep(Math.max(0, (measureFrom - System.nanoTime()) / 1_000_000));
		latencies.reset();
		answered.set(0);
		callsBefore[0] = metric("gateway_upstream_calls_seconds_count");
		Thread.sleep(Math.max(0, (end - System.nanoTime()) / 1_000_000));
		double calls = metric("gateway_upstream_calls_seconds_count") - callsBefore[0];
		for (Future<?> caller : running) {
			caller.get();
		}
		pool.shutdown();
		var histogram = latencies.getIntervalHistogram();
		double seconds = durationNanos / 1e9;
		System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.1f | %.1f | %.1f | %d |%n",
				this.args.get("label", "paced"), callers, answered.get() / seconds, calls / seconds,
				histogram.getValueAtPercentile(50) / 1e6, histogram.getValueAtPercentile(99) / 1e6,
				this.refusals.get());
	}

	private void send(List<String> inputs) throws IOException, InterruptedException {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("model", this.args.get("model", "BAAI/bge-m3"));
		body.put("input", inputs);
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.args.required("url")))
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + this.args.required("key"))
			.timeout(Duration.ofSeconds(120))
			.POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
			.build();
		for (int attempt = 1;; attempt++) {
			HttpResponse<Void> response = this.client.send(request, HttpResponse.BodyHandlers.discarding());
			if (response.statusCode() == 200) {
				return;
			}
			// A busy gateway sheds load with 503 and retry-after, as a real caller would
			// see.
			if ((response.statusCode() != 503 && response.statusCode() != 429) || attempt == MAX_ATTEMPTS) {
				throw new IllegalStateException("The gateway answered " + response.statusCode());
			}
			this.refusals.incrementAndGet();
			long seconds = response.headers().firstValueAsLong("retry-after").orElse(1);
			Thread.sleep(Math.max(1, Math.min(seconds, 5)) * 1000);
		}
	}

	/** The sum of every series of {@code name} in the gateway's Prometheus page. */
	private double metric(String name) throws IOException, InterruptedException {
		HttpResponse<String> page = this.client.send(
				HttpRequest.newBuilder(URI.create(this.args.required("metrics-url"))).build(),
				HttpResponse.BodyHandlers.ofString());
		return sum(page.body(), name);
	}

	static double sum(String page, String name) {
		double total = 0;
		for (String line : page.split("\n")) {
			if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
				total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
			}
		}
		return total;
	}

}
