package com.embeddinggateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} process on a free port of 127.0.0.1, without persistence,
 * for tests of the Redis-backed state. Tests that need it are skipped where
 * {@code redis-server} is not installed ({@code .ci/run} installs it).
 */
public final class RedisServer implements AutoCloseable {

	private static final List<String> LOCATIONS = List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server",
			"/opt/homebrew/bin/redis-server");

	private final int port;

	private final Process process;

	private RedisServer(int port, Process process) {
		this.port = port;
		this.process = process;
	}

	/** Starts one and waits until it answers {@code PING}. */
	public static RedisServer start() throws IOException, InterruptedException {
		String executable = LOCATIONS.stream()
			.filter((location) -> Files.isExecutable(Path.of(location)))
			.findFirst()
			.orElse(null);
		Assumptions.assumeTrue(executable != null, "redis-server is not installed");
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}
		Process process = new ProcessBuilder(executable, "--port", Integer.toString(port), "--bind", "127.0.0.1",
				"--save", "", "--appendonly", "no")
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		RedisServer server = new RedisServer(port, process);
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (!server.answers()) {
			if (!process.isAlive() || System.nanoTime() > deadline) {
				server.close();
				throw new IllegalStateException("redis-server did not start on port " + port);
			}
			Thread.sleep(50);
		}
		return server;
	}

	public int port() {
		return this.port;
	}

	/** Whether it answers {@code PING} now. */
	public boolean answers() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 500);
			socket.setSoTimeout(500);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] reply = new byte[7];
			int read = in.read(reply);
			return read > 0 && new String(reply, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** Kills the process at once, as a crash would. */
	public void kill() throws InterruptedException {
		this.process.destroyForcibly();
		this.process.waitFor();
	}

	@Override
	public void close() throws InterruptedException {
		kill();
	}

}
