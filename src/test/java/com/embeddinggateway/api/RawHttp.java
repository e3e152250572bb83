package com.embeddinggateway.api;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * HTTP/1.1 over a bare socket to the gateway on 127.0.0.1, for callers no HTTP client
 * would imitate: ones that stop reading, hold connections open or send nothing.
 */
final class RawHttp {

	/**
	 * Generous: a read that takes this long means the gateway never closed the socket.
	 */
	static final int READ_TIMEOUT_MILLIS = 60_000;

	private RawHttp() {
	}

	/**
	 * A connection to {@code port}; {@code receiveBuffer} bytes, when positive, bound
	 * what the kernel takes in for a caller that does not read (set before connecting, as
	 * it also sets the TCP window).
	 */
	static Socket connect(int port, int receiveBuffer) throws IOException {
		Socket socket = new Socket();
		if (receiveBuffer > 0) {
			socket.setReceiveBufferSize(receiveBuffer);
		}
		socket.setSoTimeout(READ_TIMEOUT_MILLIS);
		socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
		return socket;
	}

	static void send(Socket socket, String head, byte[] body) throws IOException {
		socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
		socket.getOutputStream().write(body);
		socket.getOutputStream().flush();
	}

	/** {@code GET path} on a keep-alive connection. */
	static void get(Socket socket, String path) throws IOException {
		send(socket, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n", new byte[0]);
	}

	/**
	 * Whether the gateway has closed this connection, found out without reading from it
	 * (reading would make a stalled caller a slow one): a blank line, which an HTTP
	 * server skips before a request, fails to send once the other end is gone.
	 */
	static boolean closedByPeer(Socket socket) {
		try {
			socket.getOutputStream().write("\r\n".getBytes(StandardCharsets.US_ASCII));
			socket.getOutputStream().flush();
			return false;
		}
		catch (IOException closed) {
			return true;
		}
	}

	/**
	 * The status line of the answer, or null if the gateway closed the connection
	 * instead.
	 */
	static @Nullable String statusLine(Socket socket) {
		try {
			StringBuilder line = new StringBuilder();
			InputStream in = socket.getInputStream();
			for (int b = in.read(); b != '\n'; b = in.read()) {
				if (b < 0) {
					return null;
				}
				line.append((char) b);
			}
			return line.toString().strip();
		}
		catch (SocketException closed) {
			return null;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Everything the gateway sends until it closes the connection.
	 * @throws java.net.SocketTimeoutException if it has not closed it within
	 * {@link #READ_TIMEOUT_MILLIS} of silence
	 */
	static String readUntilClosed(Socket socket) throws IOException {
		return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
	}

}
