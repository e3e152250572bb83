package com.embeddinggateway.warmup;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import com.embeddinggateway.cache.EmbeddingCache;
import com.embeddinggateway.catalog.ModelCatalog;
import com.embeddinggateway.metrics.GatewayMetrics;
import com.embeddinggateway.tenancy.Tenant;
import com.embeddinggateway.tenancy.TenantDirectory;
import com.embeddinggateway.upstream.ApiKey;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.buffer.Unpooled;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.stereotype.Component;

/**
 * Runs before the gateway reports ready: Spring Boot turns readiness to accepting traffic
 * only after every {@link ApplicationRunner} has returned, so {@code /readyz} answers 503
 * while this runs, and Kubernetes sends the pod no traffic until the path a request takes
 * is compiled.
 * <p>
 * Rounds of synthetic requests, mostly single inputs with some batches of 32 and 100 (see
 * {@link Requests}), go to the gateway's own port with a random key that never leaves the
 * process, for a model served by the {@link StandInUpstream}. Few are in flight at once:
 * on a small machine the JIT's compiler threads need the CPU more than the requests do,
 * and what limits how soon the path is compiled is their time, not the number of
 * requests. A round lasts a second or more; three in a row whose JIT compilation took
 * under a tenth of their time end the warm-up: the code the requests run is compiled.
 * Nothing here can stop start-up: a failed request is logged and the gateway becomes
 * ready anyway.
 */
@Component
@ConditionalOnBooleanProperty(name = "gateway.warmup.enabled", matchIfMissing = true)
class Warmup implements ApplicationRunner {

	private static final Log logger = LogFactory.getLog(Warmup.class);

	static final String TENANT = "gateway-warmup";

	/**
	 * Rounds in a row that must each be settled: a single quiet round also happens while
	 * the methods a request runs are still counting their way up to the next compilation.
	 */
	private static final int SETTLED_ROUNDS = 3;

	/** How long a round goes on, at least. */
	private static final Duration ROUND = Duration.ofSeconds(1);

	/** Far longer than a warm-up request takes, even interpreted on a busy machine. */
	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

	/** A round is settled when compilation took less than this share of it. */
	private static final double SETTLED = 0.1;

	private final WarmupProperties properties;

	private final StandInUpstream upstream;

	private final TenantDirectory tenants;

	private final ModelCatalog catalog;

	private final GatewayMetrics metrics;

	private final EmbeddingCache cache;

	private final ApplicationContext context;

	private final Environment environment;

	private final ReactorResourceFactory loops;

	Warmup(WarmupProperties properties, StandInUpstream upstream, TenantDirectory tenants, ModelCatalog catalog,
			GatewayMetrics metrics, EmbeddingCache cache, ApplicationContext context, Environment environment,
			ReactorResourceFactory loops) {
		this.properties = properties;
		this.upstream = upstream;
		this.tenants = tenants;
		this.catalog = catalog;
		this.metrics = metrics;
		this.cache = cache;
		this.context = context;
		this.environment = environment;
		this.loops = loops;
	}

	@Override
	public void run(ApplicationArguments args) {
		if (!(this.context instanceof WebServerApplicationContext web) || web.getWebServer() == null) {
			return;
		}
		long start = System.nanoTime();
		String key = "eg-warmup-" + HexFormat.of().formatHex(random());
		Runnable dismissTenant = this.tenants
			.admitTemporarily(new Tenant(TENANT, Set.of(StandInUpstream.MODEL.name()), ApiKey.none()), key);
		Runnable removeModel = this.catalog.addTemporarily(StandInUpstream.MODEL);
		ConnectionProvider connections = ConnectionProvider.create("warmup", this.properties.concurrency());
		Result result = new Result();
		try {
			this.upstream.start();
			String url = "http://" + host() + ":" + web.getWebServer().getPort() + "/v1/embeddings";
			HttpClient client = HttpClient.create(connections)
				.runOn(this.loops.getLoopResources())
				// no-cache: every round computes its vectors, as a cache miss
				// does, instead of answering the rounds after the first from the
				// cache.
				.headers((headers) -> headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + key)
					.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
					.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE));
			run(client, url, start + this.properties.maxDuration().toNanos(), result);
		}
		catch (RuntimeException ex) {
			logger.warn("Warm-up stopped early; the gateway becomes ready without it: " + ex);
		}
		finally {
			connections.disposeLater().subscribe();
			this.upstream.stop();
			removeModel.run();
			dismissTenant.run();
			this.cache.forget(StandInUpstream.MODEL.name());
			this.metrics.forget(TENANT);
			this.metrics.forget(StandInUpstream.MODEL.name());
			this.metrics.forget(StandInUpstream.ID);
		}
		logger.info(String.format(
				"Warm-up: %d requests (%d failed) in %d rounds, %d ms%s; last round %.0f/s, %.0f%% compiling",
				result.sent.get(), result.failed.get(), result.rounds, (System.nanoTime() - start) / 1_000_000,
				result.settled ? "; compilation settled" : "; stopped at gateway.warmup.max-duration", result.lastRate,
				result.lastCompiled * 100));
	}

	private void run(HttpClient client, String url, long deadline, Result result) {
		CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
		boolean timed = jit != null && jit.isCompilationTimeMonitoringSupported();
		List<byte[]> bodies = Requests.round(StandInUpstream.MODEL.name());
		int quiet = 0;
		while (System.nanoTime() < deadline) {
			long roundStart = System.nanoTime();
			long roundEnd = roundStart + ROUND.toNanos();
			long compiledBefore = timed ? jit.getTotalCompilationTime() : 0;
			result.rounds++;
			int sentBefore = result.sent.get();
			// A round sends its bodies at least once and goes on for ROUND. At the
			// deadline no new request leaves; the ones in flight are answered, not
			// cancelled, so that none is still being served when the warm-up's traces go.
			Flux.range(0, Integer.MAX_VALUE)
				.takeWhile((i) -> System.nanoTime() < deadline && (i < bodies.size() || System.nanoTime() < roundEnd))
				.flatMap((i) -> send(client, url, bodies.get(i % bodies.size()), result), this.properties.concurrency())
				.then()
				.block(REQUEST_TIMEOUT.multipliedBy(2));
			long roundNanos = System.nanoTime() - roundStart;
			long compiledMillis = timed ? jit.getTotalCompilationTime() - compiledBefore : 0;
			result.lastRate = (result.sent.get() - sentBefore) * 1e9 / roundNanos;
			result.lastCompiled = (double) compiledMillis * 1_000_000 / roundNanos;
			quiet = (!timed || result.lastCompiled < SETTLED) ? quiet + 1 : 0;
			if (quiet >= SETTLED_ROUNDS) {
				result.settled = true;
				return;
			}
		}
	}

	private Mono<Void> send(HttpClient client, String url, byte[] body, Result result) {
		result.sent.incrementAndGet();
		return client.responseTimeout(REQUEST_TIMEOUT)
			.post()
			.uri(url)
			.send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)))
			.responseSingle((response, content) -> content.asString().defaultIfEmpty("").map((text) -> {
				if (response.status().code() != 200) {
					throw new IllegalStateException("HTTP " + response.status().code() + ": "
							+ text.substring(0, Math.min(200, text.length())));
				}
				return text;
			}))
			.then()
			.onErrorResume((error) -> {
				if (result.failed.getAndIncrement() == 0) {
					logger.warn("A warm-up request failed (the gateway becomes ready anyway): " + error.getMessage());
				}
				return Mono.empty();
			});
	}

	/** Where the API port answers from this process. */
	private String host() {
		String address = this.environment.getProperty("server.address", "");
		if (address.isEmpty() || address.equals("0.0.0.0") || address.equals("::") || address.equals("[::]")) {
			return "127.0.0.1";
		}
		return address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
	}

	private static byte[] random() {
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		return bytes;
	}

	private static final class Result {

		final AtomicInteger sent = new AtomicInteger();

		final AtomicInteger failed = new AtomicInteger();

		int rounds;

		boolean settled;

		/** Requests per second in the last round. */
		double lastRate;

		/** The share of the last round's time spent compiling. */
		double lastCompiled;

	}

}
