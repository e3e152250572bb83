package com.embeddinggateway;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code redis-server} of the test's own, on a free port of 127.0.0.1, without
 * persistence: no test depends on a Redis already running. Register it as a static field
 * with {@code @RegisterExtension}; it starts when created (so
 * {@code @DynamicPropertySource} can read its port) and stops after the class. Without a
 * {@code redis-server} on this machine the class is skipped, except under
 * {@code CI=true}, where it fails: CI installs one ({@code .ci/run}).
 */
public final class RedisServer implements BeforeAllCallback, AfterAllCallback {

	private static final List<String> CANDIDATES = List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server");

	private final @Nullable String executable = find();

	private final int port;

	private @Nullable Process process;

	public RedisServer() {
		this.port = (this.executable != null) ? freePort() : 0;
		if (this.executable != null) {
			start();
		}
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		if (this.executable == null) {
			if ("true".equals(System.getenv("CI"))) {
				Assertions.fail("CI=true but no redis-server is installed; .ci/run installs it with apt-get");
			}
			Assumptions.abort("No redis-server on this machine: tests that need Redis are skipped");
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		stop();
	}

	public int port() {
		return this.port;
	}

	/** Starts the server (again, on the same port, empty) and waits until it answers. */
	public void start() {
		if (this.executable == null) {
			return;
		}
		try {
			this.process = new ProcessBuilder(this.executable, "--port", Integer.toString(this.port), "--bind",
					"127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no")
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not start " + this.executable, ex);
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (System.nanoTime() < deadline) {
			if ("+PONG".equals(command("PING"))) {
				return;
			}
			sleep(Duration.ofMillis(20));
		}
		throw new IllegalStateException("redis-server did not answer on port " + this.port + " within 10 s");
	}

	/** Kills the server at once, as a crash would. */
	public void kill() {
		Process running = this.process;
		if (running != null) {
			running.destroyForcibly();
			try {
				running.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.process = null;
		}
	}

	public void stop() {
		kill();
	}

	/** Empties the database between tests. */
	public void flush() {
		command("FLUSHALL");
	}

	/**
	 * One inline command, its first reply line ({@code +PONG}, {@code :42},
	 * {@code $3}...), or null when the server does not answer.
	 */
	public @Nullable String command(String inline) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 1000);
			socket.setSoTimeout(2000);
			OutputStream out = socket.getOutputStream();
			out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
			out.flush();
			InputStream in = socket.getInputStream();
			StringBuilder line = new StringBuilder();
			int c;
			while ((c = in.read()) != -1 && c != '\n') {
				if (c != '\r') {
					line.append((char) c);
				}
			}
			if (line.length() > 0 && line.charAt(0) == '$' && !line.toString().equals("$-1")) {
				StringBuilder value = new StringBuilder();
				while ((c = in.read()) != -1 && c != '\n') {
					if (c != '\r') {
						value.append((char) c);
					}
				}
				return value.toString();
			}
			return line.toString();
		}
		catch (IOException ex) {
			return null;
		}
	}

	private static @Nullable String find() {
		for (String candidate : CANDIDATES) {
			if (new File(candidate).canExecute()) {
				return candidate;
			}
		}
		String path = System.getenv("PATH");
		if (path != null) {
			for (String dir : path.split(File.pathSeparator)) {
				File file = new File(dir, "redis-server");
				if (file.canExecute()) {
					return file.getPath();
				}
			}
		}
		return null;
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
