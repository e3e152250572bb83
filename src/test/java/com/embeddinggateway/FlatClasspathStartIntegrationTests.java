package com.embeddinggateway;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's first command, {@code ./mvnw spring-boot:run} with the {@code dev}
 * profile, starts the application in a new JVM from a flat classpath: the compiled
 * classes and the runtime jars side by side. On a machine with CUDA libraries and no GPU
 * that once died with SIGSEGV inside a native library's GPU probe, while the fat jar
 * started. This starts it the same way and embeds a text through it.
 */
class FlatClasspathStartIntegrationTests {

	private static final Pattern READY = Pattern
		.compile("Dev gateway ready: curl http://127\\.0\\.0\\.1:(\\d+)/v1/embeddings");

	@Test
	void startsTheDevProfileFromTheRuntimeClasspathAndEmbeds() throws Exception {
		List<String> classpath = runtimeClasspath();
		assertThat(classpath).noneMatch((entry) -> entry.contains("/ai/djl/") || entry.contains("/net/java/dev/jna/"));

		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-cp",
						String.join(File.pathSeparator, classpath), "com.embeddinggateway.EmbeddingGatewayApplication",
						"--spring.profiles.active=dev", "--server.port=0", "--management.server.port=0"));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		try {
			List<String> output = new ArrayList<>();
			// One thread reads the process's output to its end: the port once it is
			// greeted, then the rest, so that the process never blocks on a full pipe.
			CompletableFuture<Integer> port = new CompletableFuture<>();
			Thread reader = new Thread(() -> port.complete(readOutput(process, output, port)), "gateway-output");
			reader.setDaemon(true);
			reader.start();
			Integer found = port.completeOnTimeout(null, 180, TimeUnit.SECONDS).get();
			synchronized (output) {
				assertThat(found).as("start-up output:%n%s", String.join("\n", output)).isNotNull();
			}

			HttpResponse<String> response = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + found + "/v1/embeddings"))
					.header("Authorization", "Bearer eg-dev-local-key")
					.header("Content-Type", "application/json")
					.timeout(Duration.ofSeconds(120))
					.POST(HttpRequest.BodyPublishers
						.ofString("{\"model\":\"BAAI/bge-small-en-v1.5\",\"input\":\"hello\"}"))
					.build(), HttpResponse.BodyHandlers.ofString());

			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			JsonNode body = JsonMapper.builder().build().readTree(response.body());
			assertThat(body.get("data").get(0).get("embedding")).hasSize(384);
			assertThat(process.isAlive()).isTrue();
		}
		finally {
			process.destroy();
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}
	}

	/** Written by the build (maven-dependency-plugin), then the compiled classes. */
	private static List<String> runtimeClasspath() throws IOException {
		Path file = Path.of("target", "runtime-classpath.txt");
		assertThat(file).as("written by ./mvnw's generate-test-resources phase").exists();
		List<String> classpath = new ArrayList<>();
		classpath.add(Path.of("target", "classes").toAbsolutePath().toString());
		for (String entry : Files.readString(file).strip().split(File.pathSeparator)) {
			if (!entry.isBlank()) {
				classpath.add(entry);
			}
		}
		return classpath;
	}

	/**
	 * Reads the process's output to its end, completing {@code port} from the dev
	 * greeting; returns null, for a process that ended without one.
	 */
	private static @Nullable Integer readOutput(Process process, List<String> output, CompletableFuture<Integer> port) {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				synchronized (output) {
					output.add(line);
				}
				Matcher matcher = READY.matcher(line);
				if (matcher.find()) {
					port.complete(Integer.parseInt(matcher.group(1)));
				}
			}
		}
		catch (IOException ex) {
			// The process was stopped.
		}
		return null;
	}

}
