package com.embeddinggateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The container image's runtime steps, read from the {@code Dockerfile} itself so that
 * they cannot drift apart: the packaged jar is extracted with the build stage's command,
 * its layers copied as the final stage copies them, and the {@code ENTRYPOINT} started in
 * the {@code WORKDIR} with the image's {@code ENV}, after the final stage's class data
 * sharing training run, with the archive that run wrote. It must answer on
 * {@code /readyz}, embed, and on SIGTERM (what {@code docker stop} and Kubernetes send)
 * finish the request in flight while refusing new connections, then exit. No Docker
 * engine is needed.
 */
class ContainerImageIT {

	private static final Path DOCKERFILE = Path.of("Dockerfile");

	private final FakeSiliconFlow upstream = new FakeSiliconFlow();

	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private final List<String> output = new ArrayList<>();

	@AfterEach
	void stopUpstream() {
		this.upstream.stop();
	}

	@Test
	void theImageLayoutStartsAnswersReadyAndDrainsOnSigterm(@TempDir Path dir) throws Exception {
		Dockerfile image = Dockerfile.read(DOCKERFILE);
		assertThat(image.exposed()).containsExactly("8080", "8081");
		assertThat(image.user()).as("a numeric user, which runAsNonRoot can verify").matches("10001(:10001)?");
		assertThat(image.instructions()).noneMatch((line) -> line.startsWith("HEALTHCHECK"));

		Path layers = dir.resolve("layers");
		run(image.extractCommand(jar(), layers), dir, Map.of());
		assertThat(image.workdir()).isEqualTo("/app");
		Path app = dir.resolve("app");
		for (String layer : image.copiedLayers()) {
			copyInto(layers.resolve(layer), app);
		}

		List<String> training = image.trainingRun();
		assertThat(training).as("the training run writes the archive the ENTRYPOINT maps")
			.anyMatch((option) -> option.equals("-XX:ArchiveClassesAtExit=" + image.sharedArchive()));
		training.set(0, java());
		run(training, app, image.environment());
		assertThat(app.resolve(image.sharedArchive())).isNotEmptyFile();

		int port = freePort();
		int managementPort = freePort();
		List<String> command = new ArrayList<>(image.entrypoint());
		command.set(0, java());
		// -Xshare:on: the JVM refuses to start unless it maps the archive, which it does
		// only for the JDK, jars and options it was made with.
		command.add(1, "-Xshare:on");
		command.addAll(List.of("--server.port=" + port, "--management.server.port=" + managementPort,
				"--server.address=127.0.0.1", "--management.server.address=127.0.0.1",
				"--gateway.upstreams[0].id=siliconflow",
				"--gateway.upstreams[0].base-url=" + this.upstream.server().baseUrl() + "/v1",
				"--gateway.upstreams[0].api-key=" + FakeSiliconFlow.UPSTREAM_KEY, "--gateway.tenants[0].id=search-team",
				"--gateway.tenants[0].api-key-sha256[0]=" + Fixtures.sha256(FakeSiliconFlow.SEARCH_KEY)));
		ProcessBuilder builder = new ProcessBuilder(command).directory(app.toFile()).redirectErrorStream(true);
		builder.environment().putAll(image.environment());
		Process gateway = builder.start();
		Thread reader = new Thread(() -> readOutput(gateway), "gateway-output");
		reader.setDaemon(true);
		reader.start();
		try {
			awaitReady(gateway, port);
			assertThat(outputText()).as("JAVA_TOOL_OPTIONS from the image's ENV")
				.contains("Picked up JAVA_TOOL_OPTIONS: " + image.environment().get("JAVA_TOOL_OPTIONS"));

			FakeSiliconFlow.Hold hold = this.upstream.holdAnswers();
			CompletableFuture<HttpResponse<String>> inFlight = this.http.sendAsync(
					GracefulShutdownIntegrationTests.embed(port, "in flight"), HttpResponse.BodyHandlers.ofString());
			GracefulShutdownIntegrationTests.awaitTrue(() -> hold.waiting() == 1, "the call reached the upstream");

			gateway.destroy();
			GracefulShutdownIntegrationTests.awaitTrue(() -> GracefulShutdownIntegrationTests.refusesConnections(port),
					"the API port refuses new connections");
			assertThat(inFlight).isNotDone();
			assertThatThrownBy(() -> this.http.send(GracefulShutdownIntegrationTests.embed(port, "late"),
					HttpResponse.BodyHandlers.ofString()))
				.isInstanceOf(ConnectException.class);
			hold.release();

			HttpResponse<String> response = inFlight.get(60, TimeUnit.SECONDS);
			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			assertThat(JsonMapper.builder().build().readTree(response.body()).get("data")).hasSize(1);
			assertThat(gateway.waitFor(120, TimeUnit.SECONDS)).as(outputText()).isTrue();
			// 128 + SIGTERM: the JVM ran its shutdown hooks and ended on the signal.
			assertThat(gateway.exitValue()).isEqualTo(143);
			assertThat(this.upstream.calls()).hasSize(1);
		}
		finally {
			gateway.destroyForcibly();
		}
	}

	private static Path jar() {
		String jar = System.getProperty("gateway.jar");
		assertThat(jar).as("set by the failsafe plugin").isNotNull();
		assertThat(Path.of(jar)).as("built by ./mvnw package").exists();
		return Path.of(jar);
	}

	private static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	private static void run(List<String> command, Path dir, Map<String, String> environment)
			throws IOException, InterruptedException {
		ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
		builder.environment().putAll(environment);
		Process process = builder.start();
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
	}

	private static void copyInto(Path from, Path to) throws IOException {
		if (Files.isDirectory(from)) {
			Files.createDirectories(to);
			FileSystemUtils.copyRecursively(from, to);
		}
	}

	private void awaitReady(Process gateway, int port) throws InterruptedException {
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
		while (System.nanoTime() < end) {
			assertThat(gateway.isAlive()).as("the gateway ended:%n%s", outputText()).isTrue();
			try {
				HttpResponse<String> ready = this.http.send(
						HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
						HttpResponse.BodyHandlers.ofString());
				if (ready.statusCode() == 200) {
					assertThat(ready.body()).isEqualTo("{\"status\":\"UP\"}");
					return;
				}
			}
			catch (IOException ex) {
				// Not listening yet.
			}
			Thread.sleep(200);
		}
		throw new AssertionError("not ready within 180 s:\n" + outputText());
	}

	private void readOutput(Process process) {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				synchronized (this.output) {
					this.output.add(line);
				}
			}
		}
		catch (IOException ex) {
			// The process ended.
		}
	}

	private String outputText() {
		synchronized (this.output) {
			return String.join("\n", this.output);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/**
	 * The instructions of a Dockerfile's last stage, and the extraction in its build
	 * stage.
	 */
	record Dockerfile(List<String> instructions, List<String> finalStage) {

		private static final Pattern EXTRACT = Pattern
			.compile("(java -Djarmode=tools -jar )(\\S+)( extract[^&;]*?--destination )(\\S+)");

		private static final Pattern ENV_PAIR = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)");

		static Dockerfile read(Path file) throws IOException {
			List<String> instructions = new ArrayList<>();
			StringBuilder current = new StringBuilder();
			for (String line : Files.readAllLines(file)) {
				String trimmed = line.strip();
				if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
					continue;
				}
				if (trimmed.endsWith("\\")) {
					current.append(trimmed, 0, trimmed.length() - 1).append(' ');
					continue;
				}
				current.append(trimmed);
				instructions.add(current.toString().replaceAll("\\s+", " ").strip());
				current.setLength(0);
			}
			int lastFrom = 0;
			for (int i = 0; i < instructions.size(); i++) {
				if (instructions.get(i).startsWith("FROM ")) {
					lastFrom = i;
				}
			}
			return new Dockerfile(instructions, instructions.subList(lastFrom, instructions.size()));
		}

		/** The build stage's extraction, on {@code jar} into {@code destination}. */
		List<String> extractCommand(Path jar, Path destination) {
			Matcher matcher = this.instructions.stream()
				.map(EXTRACT::matcher)
				.filter(Matcher::find)
				.findFirst()
				.orElseThrow(() -> new AssertionError("no layered extraction in the Dockerfile"));
			List<String> command = new ArrayList<>();
			command.add(java());
			String arguments = matcher.group(1).substring("java ".length()) + jar + matcher.group(3) + destination;
			command.addAll(List.of(arguments.split(" ")));
			return command;
		}

		/**
		 * The layers the final stage copies, in order:
		 * {@code COPY --from=x /layers/NAME/ ./}.
		 */
		List<String> copiedLayers() {
			List<String> layers = new ArrayList<>();
			for (String line : this.finalStage) {
				Matcher matcher = Pattern.compile("^COPY --from=\\S+ /layers/([\\w-]+)/ \\./$").matcher(line);
				if (matcher.find()) {
					layers.add(matcher.group(1));
				}
			}
			assertThat(layers).as("the final stage copies the extracted layers").isNotEmpty();
			return layers;
		}

		/** The final stage's {@code WORKDIR}, where the layers are copied to. */
		String workdir() {
			return last("WORKDIR ");
		}

		Map<String, String> environment() {
			Map<String, String> environment = new LinkedHashMap<>();
			this.finalStage.stream().filter((line) -> line.startsWith("ENV ")).forEach((line) -> {
				Matcher matcher = ENV_PAIR.matcher(line.substring(4));
				while (matcher.find()) {
					environment.put(matcher.group(1), matcher.group(2).replaceAll("^\"|\"$", ""));
				}
			});
			return environment;
		}

		List<String> entrypoint() {
			String json = last("ENTRYPOINT ");
			List<String> entrypoint = new ArrayList<>();
			JsonMapper.builder().build().readTree(json).forEach((part) -> entrypoint.add(part.stringValue()));
			assertThat(entrypoint).as("exec form, so the JVM is PID 1 and gets SIGTERM").isNotEmpty();
			assertThat(entrypoint.get(0)).isEqualTo("java");
			return entrypoint;
		}

		/**
		 * The final stage's training run: the {@code RUN java ...} before its first
		 * {@code &&}, as a command.
		 */
		List<String> trainingRun() {
			String run = this.finalStage.stream()
				.filter((line) -> line.startsWith("RUN java "))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no training run in the final stage"));
			return new ArrayList<>(List.of(run.substring("RUN ".length()).split(" && ")[0].strip().split(" ")));
		}

		/** The archive the {@code ENTRYPOINT} maps: its {@code -XX:SharedArchiveFile}. */
		String sharedArchive() {
			return entrypoint().stream()
				.filter((part) -> part.startsWith("-XX:SharedArchiveFile="))
				.map((part) -> part.substring("-XX:SharedArchiveFile=".length()))
				.findFirst()
				.orElseThrow(() -> new AssertionError("the ENTRYPOINT maps no shared archive"));
		}

		List<String> exposed() {
			return List.of(last("EXPOSE ").split(" "));
		}

		String user() {
			return last("USER ");
		}

		private String last(String instruction) {
			return this.finalStage.stream()
				.filter((line) -> line.startsWith(instruction))
				.reduce((first, second) -> second)
				.map((line) -> line.substring(instruction.length()))
				.orElseThrow(() -> new AssertionError("no " + instruction + "in the final stage"));
		}

	}

}
