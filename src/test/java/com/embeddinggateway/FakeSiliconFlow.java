package com.embeddinggateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.test.context.DynamicPropertyRegistry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * WireMock standing in for SiliconFlow's embeddings API. By default it answers every call
 * with one deterministic vector per input ({@link #vector(String, int)}), so tests can
 * check that each vector reached the right index. Tests add higher-priority stubs for
 * failures.
 */
public final class FakeSiliconFlow {

	/** The upstream key the gateway is configured with; it must never leak. */
	public static final String UPSTREAM_KEY = "sf-upstream-secret-4f1c9a7e";

	/** Key of tenant {@code search-team}: every model, the upstream's key. */
	public static final String SEARCH_KEY = "eg-search-team-key-7d2b";

	/** Key of tenant {@code chat-team}: only bge-m3, its own upstream key. */
	public static final String CHAT_KEY = "eg-chat-team-key-91ce";

	/** {@code chat-team}'s own upstream key. */
	public static final String CHAT_UPSTREAM_KEY = "sf-chat-team-secret-0b3d";

	public static final String PATH = "/v1/embeddings";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final WireMockServer server;

	private final Embedder embedder = new Embedder();

	public FakeSiliconFlow() {
		this.server = new WireMockServer(options().dynamicPort().extensions(this.embedder));
		this.server.start();
		reset();
	}

	/**
	 * Points the gateway at this fake and configures the two test tenants. The cache is
	 * off: tests of the other steps count the upstream calls that repeated texts make;
	 * the cache's own tests turn it on.
	 */
	public void register(DynamicPropertyRegistry registry) {
		registry.add("gateway.cache.enabled", () -> "false");
		registry.add("gateway.upstreams[0].id", () -> "siliconflow");
		registry.add("gateway.upstreams[0].base-url", () -> this.server.baseUrl() + "/v1");
		registry.add("gateway.upstreams[0].api-key", () -> UPSTREAM_KEY);
		registry.add("gateway.tenants[0].id", () -> "search-team");
		registry.add("gateway.tenants[0].api-key-sha256[0]", () -> Fixtures.sha256(SEARCH_KEY));
		registry.add("gateway.tenants[1].id", () -> "chat-team");
		registry.add("gateway.tenants[1].api-key-sha256[0]", () -> Fixtures.sha256(CHAT_KEY));
		registry.add("gateway.tenants[1].models[0]", () -> "bge-m3");
		registry.add("gateway.tenants[1].upstream-api-key", () -> CHAT_UPSTREAM_KEY);
	}

	public WireMockServer server() {
		return this.server;
	}

	/** Forgets recorded calls and extra stubs; answers every call successfully again. */
	public void reset() {
		this.embedder.hold = null;
		this.server.resetAll();
		this.server
			.stubFor(post(urlEqualTo(PATH)).atPriority(10).willReturn(aResponse().withTransformers(Embedder.NAME)));
	}

	public void stop() {
		this.server.stop();
	}

	/**
	 * Holds every successful answer until {@link Hold#release()}: the calls arrive, their
	 * answers wait. For tests that need requests in flight for as long as they like,
	 * whatever the machine's speed. (WireMock records a call only once it is answered.)
	 */
	public Hold holdAnswers() {
		Hold hold = new Hold();
		this.embedder.hold = hold;
		return hold;
	}

	/** Answers held back by {@link #holdAnswers()}. */
	public static final class Hold {

		private final CountDownLatch released = new CountDownLatch(1);

		private final AtomicInteger waiting = new AtomicInteger();

		/** Calls that arrived and wait for their answer. */
		public int waiting() {
			return this.waiting.get();
		}

		/** Lets every held answer, and every later one, go. */
		public void release() {
			this.released.countDown();
		}

		void await() {
			this.waiting.incrementAndGet();
			try {
				this.released.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				this.waiting.decrementAndGet();
			}
		}

	}

	/** The JSON bodies the gateway sent upstream, in arrival order. */
	public List<JsonNode> calls() {
		List<JsonNode> bodies = new ArrayList<>();
		for (LoggedRequest request : this.server.findAll(postRequestedFor(urlEqualTo(PATH)))) {
			bodies.add(JSON.readTree(request.getBodyAsString()));
		}
		return bodies;
	}

	/** Every input the gateway sent upstream, call after call, in arrival order. */
	public List<String> inputsSent() {
		List<String> inputs = new ArrayList<>();
		calls().forEach((call) -> call.get("input").forEach((input) -> inputs.add(input.stringValue())));
		return inputs;
	}

	public List<LoggedRequest> requests() {
		return this.server.findAll(postRequestedFor(urlEqualTo(PATH)));
	}

	/**
	 * The vector the fake returns for {@code text}: pseudo-random, seeded by the text.
	 */
	public static float[] vector(String text, int dimensions) {
		Random random = new Random(text.hashCode());
		float[] vector = new float[dimensions];
		for (int i = 0; i < dimensions; i++) {
			vector[i] = random.nextFloat() * 2 - 1;
		}
		return vector;
	}

	/** A SiliconFlow success body for these inputs. */
	public static String answer(String model, List<String> inputs, int dimensions) {
		StringBuilder json = new StringBuilder(inputs.size() * dimensions * 12 + 128);
		json.append("{\"object\":\"list\",\"model\":\"").append(model).append("\",\"data\":[");
		int tokens = 0;
		for (int i = 0; i < inputs.size(); i++) {
			json.append((i > 0) ? "," : "").append("{\"object\":\"embedding\",\"index\":").append(i);
			json.append(",\"embedding\":[");
			float[] vector = vector(inputs.get(i), dimensions);
			for (int d = 0; d < dimensions; d++) {
				json.append((d > 0) ? "," : "").append(vector[d]);
			}
			json.append("]}");
			tokens += inputs.get(i).split("\\s+").length;
		}
		json.append("],\"usage\":{\"prompt_tokens\":").append(tokens);
		json.append(",\"completion_tokens\":0,\"total_tokens\":").append(tokens).append("}}");
		return json.toString();
	}

	/**
	 * Vector length the fake uses when the call names no {@code dimensions}: the built-in
	 * models' own (the gateway checks it), 16 for any other.
	 */
	public static int nativeDimensions(String model) {
		return switch (model) {
			case "Qwen/Qwen3-Embedding-8B" -> 4096;
			case "Qwen/Qwen3-Embedding-4B" -> 2560;
			case "BAAI/bge-m3", "Pro/BAAI/bge-m3", "BAAI/bge-large-zh-v1.5", "BAAI/bge-large-en-v1.5",
					"Qwen/Qwen3-Embedding-0.6B" ->
				1024;
			case "netease-youdao/bce-embedding-base_v1" -> 768;
			default -> 16;
		};
	}

	/** Computes each answer from the call's own inputs. */
	static final class Embedder implements ResponseDefinitionTransformerV2 {

		static final String NAME = "fake-embeddings";

		volatile @Nullable Hold hold;

		@Override
		public ResponseDefinition transform(ServeEvent event) {
			Hold current = this.hold;
			if (current != null) {
				// Each call has a Jetty thread: waiting here delays only its answer.
				current.await();
			}
			JsonNode call = JSON.readTree(event.getRequest().getBodyAsString());
			String model = call.get("model").stringValue();
			List<String> inputs = new ArrayList<>();
			call.get("input").forEach((input) -> inputs.add(input.stringValue()));
			int dimensions = call.has("dimensions") ? call.get("dimensions").intValue() : nativeDimensions(model);
			return ResponseDefinitionBuilder.like(event.getResponseDefinition())
				.but()
				.withStatus(200)
				.withHeader("Content-Type", "application/json")
				.withHeader("x-siliconcloud-trace-id", "trace-" + inputs.size())
				.withBody(answer(model, inputs, dimensions))
				.build();
		}

		@Override
		public boolean applyGlobally() {
			return false;
		}

		@Override
		public String getName() {
			return NAME;
		}

	}

}
