package io.passerelle.itests;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A keep-alive HTTP/1.1 backend on a plain {@link ServerSocket} that counts the TCP
 * connections it accepts (the JDK's HttpServer cannot): one thread per connection, which
 * answers request after request on it with {@code 200 OK}, a Content-Length, and the
 * request target as the body (so a client can tell its own answer from another's), until
 * the peer closes.
 */
public final class KeepAliveCountingBackend implements AutoCloseable {

    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger maxOpen = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile boolean closed;

    private KeepAliveCountingBackend(ServerSocket server) {
        this.server = server;
        this.acceptor = new Thread(this::acceptLoop, "keepalive-backend-acceptor");
        this.acceptor.setDaemon(true);
    }

    public static KeepAliveCountingBackend start() throws IOException {
        KeepAliveCountingBackend backend =
            new KeepAliveCountingBackend(new ServerSocket(0, 256, InetAddress.getLoopbackAddress()));
        backend.acceptor.start();
        return backend;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            int number = accepted.incrementAndGet();
            open.add(socket);
            maxOpen.accumulateAndGet(open.size(), Math::max);
            Thread connection = new Thread(() -> serve(socket), "keepalive-backend-connection-" + number);
            connection.setDaemon(true);
            connection.start();
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            while (true) {
                String requestLine = readLine(in, true);
                if (requestLine == null) {
                    return; // the proxy closed the connection between requests
                }
                long contentLength = 0;
                boolean chunked = false;
                boolean close = false;
                for (String line = readLine(in, false); !line.isEmpty(); line = readLine(in, false)) {
                    int colon = line.indexOf(':');
                    String name = line.substring(0, Math.max(colon, 0)).trim().toLowerCase(Locale.ROOT);
                    String value = line.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
                    if (name.equals("content-length")) {
                        contentLength = Long.parseLong(value);
                    } else if (name.equals("transfer-encoding")) {
                        chunked = value.endsWith("chunked");
                    } else if (name.equals("connection")) {
                        close = value.contains("close");
                    }
                }
                if (chunked) {
                    skipChunkedBody(in);
                } else {
                    in.skipNBytes(contentLength);
                }
                String[] parts = requestLine.split(" ");
                byte[] body = (parts.length > 1 ? parts[1] : "").getBytes(US_ASCII);
                requests.incrementAndGet(); // counted before it is answered: whoever sees the answer sees the count
                out.write(("HTTP/1.1 200 OK\r\n"
                    + "Content-Type: text/plain\r\n"
                    + "Content-Length: " + body.length + "\r\n"
                    + (close ? "Connection: close\r\n" : "")
                    + "\r\n").getBytes(US_ASCII));
                out.write(body);
                out.flush();
                if (close) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                failures.incrementAndGet();
            }
        } finally {
            open.remove(socket);
        }
    }

    private static void skipChunkedBody(InputStream in) throws IOException {
        while (true) {
            String sizeLine = readLine(in, false);
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim(), 16);
            if (size == 0) {
                while (!readLine(in, false).isEmpty()) {
                    // trailer fields
                }
                return;
            }
            in.skipNBytes(size);
            readLine(in, false);
        }
    }

    /** A line without its CRLF; null at a clean end of stream when {@code eofAllowed}. */
    private static String readLine(InputStream in, boolean eofAllowed) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (eofAllowed && line.size() == 0) {
                    return null;
                }
                throw new EOFException("connection closed inside a request head");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, US_ASCII);
            }
            line.write(b);
        }
    }

    /** {@code http://127.0.0.1:PORT/}, for a route's url. */
    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/";
    }

    /** TCP connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** The most connections that were open at once. */
    public int maxOpen() {
        return maxOpen.get();
    }

    /** Connections open now. */
    public int openNow() {
        return open.size();
    }

    /** Requests answered so far. */
    public long requests() {
        return requests.get();
    }

    /** Connections that ended on an I/O error or a malformed request rather than a clean close. */
    public int failures() {
        return failures.get();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
