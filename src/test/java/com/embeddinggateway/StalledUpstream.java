package com.embeddinggateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream on 127.0.0.1 that takes calls and never finishes answering them: it either
 * says nothing at all, or sends a {@code 200} with its headers and then one byte of the
 * body every {@value #TRICKLE_MILLIS} ms, forever. Each call comes on a connection of its
 * own, since none is ever handed back to the pool.
 */
public final class StalledUpstream {

	static final long TRICKLE_MILLIS = 250;

	private final ServerSocket server;

	private final boolean trickle;

	private final AtomicInteger calls = new AtomicInteger();

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final ExecutorService threads = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "stalled-upstream");
		thread.setDaemon(true);
		return thread;
	});

	private StalledUpstream(boolean trickle) {
		try {
			this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.trickle = trickle;
		this.threads.execute(this::accept);
	}

	/** Accepts calls and never answers. */
	public static StalledUpstream hung() {
		return new StalledUpstream(false);
	}

	/** Answers 200 and then one byte of the body at a time, slowly, forever. */
	public static StalledUpstream trickling() {
		return new StalledUpstream(true);
	}

	/** The base URL to configure for an upstream, {@code /v1} included. */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.server.getLocalPort() + "/v1";
	}

	/** Calls received so far: each sent its request head on a connection of its own. */
	public int calls() {
		return this.calls.get();
	}

	public void stop() {
		try {
			this.server.close();
			for (Socket socket : this.sockets) {
				socket.close();
			}
		}
		catch (IOException ex) {
			// Closing only: nothing left to do.
		}
		this.threads.shutdownNow();
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket socket = this.server.accept();
				this.sockets.add(socket);
				this.threads.execute(() -> serve(socket));
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void serve(Socket socket) {
		try (socket) {
			readHead(socket.getInputStream());
			this.calls.incrementAndGet();
			if (!this.trickle) {
				// Hold the connection open and say nothing; the gateway gives up on it.
				while (socket.getInputStream().read() >= 0) {
				}
				return;
			}
			OutputStream out = socket.getOutputStream();
			out.write(("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000000\r\n\r\n{")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			while (true) {
				Thread.sleep(TRICKLE_MILLIS);
				out.write(' ');
				out.flush();
			}
		}
		catch (IOException | InterruptedException ex) {
			// The gateway closed the connection, or the test is over.
		}
	}

	private static void readHead(InputStream in) throws IOException {
		int matched = 0;
		byte[] end = { '\r', '\n', '\r', '\n' };
		while (matched < end.length) {
			int next = in.read();
			if (next < 0) {
				throw new IOException("closed before the request head ended");
			}
			matched = (next == end[matched]) ? matched + 1 : ((next == '\r') ? 1 : 0);
		}
	}

}
