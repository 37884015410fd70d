package io.passerelle.itests;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A WebSocket backend for the tests (RFC 6455, server side), on an ephemeral loopback port, one
 * thread per connection. Two kinds:
 * <ul>
 * <li>{@link #echo(String) echo}: every frame the client sends (masked) comes back unmasked with
 *     the same first byte (FIN, opcode) and the same length, streamed: the echo's header is
 *     written as soon as the client's header is read, then the payload as it is read and
 *     unmasked, 64 KiB at a time, so a message of any size goes through one fixed buffer. A close
 *     frame is answered with the same close frame, then the backend half-closes and waits for the
 *     client's end. When the client sends FIN (read returns -1) the backend finishes writing what
 *     it owes and closes.</li>
 * <li>{@link #pusher(String, long, long) pusher}: an echo backend, except that a handshake whose
 *     request target starts with {@code /push} is answered, right after the 101, with
 *     {@code bytes} of seeded pseudo-random payload in 64 KiB binary frames as fast as the
 *     connection takes them, hashing them as it goes, then a close frame (1000); then it reads
 *     until the client's close frame or end, and closes.</li>
 * </ul>
 * Every {@code 101} carries {@code X-Backend: ID}, so a client sees which backend it reached.
 * The backend counts connections accepted and open, data frames echoed, FINs seen.
 */
public final class WsEchoBackend implements AutoCloseable {

    static final int BUFFER_SIZE = 64 * 1024;
    private static final int STACK_SIZE = 256 * 1024;
    /** How long a connection that has sent its close frame waits for the client's end. */
    private static final int CLOSE_WAIT_MS = 10_000;

    private final String id;
    private final long pushBytes;
    private final long pushSeed;
    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger handshakes = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger maxOpen = new AtomicInteger();
    private final AtomicLong framesEchoed = new AtomicLong();
    private final AtomicLong bytesEchoed = new AtomicLong();
    private final AtomicLong payloadEchoed = new AtomicLong();
    private final AtomicInteger closesEchoed = new AtomicInteger();
    /** Each close frame received: "masked 1001" and the like. */
    private final List<String> closesReceived = new CopyOnWriteArrayList<>();
    private final AtomicInteger finsSeen = new AtomicInteger();
    private final AtomicLong pushed = new AtomicLong();
    private final List<String> pushedDigests = new CopyOnWriteArrayList<>();
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private WsEchoBackend(String id, long pushBytes, long pushSeed) throws IOException {
        this.id = id;
        this.pushBytes = pushBytes;
        this.pushSeed = pushSeed;
        this.server = new ServerSocket(0, 2048, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "ws-backend-" + id + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** An echo backend. */
    static WsEchoBackend echo(String id) throws IOException {
        return new WsEchoBackend(id, -1, 0);
    }

    /** A backend that pushes {@code bytes} of payload to each client whose target starts with /push. */
    static WsEchoBackend pusher(String id, long bytes, long seed) throws IOException {
        return new WsEchoBackend(id, bytes, seed);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    errors.add("accept: " + e);
                }
                return;
            }
            accepted.incrementAndGet();
            connections.add(socket);
            Thread t = new Thread(null, () -> serve(socket), "ws-backend-" + id + "-" + socket.getPort(), STACK_SIZE);
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket socket) {
        maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream(), BUFFER_SIZE);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), BUFFER_SIZE);
            String path = handshake(in, out);
            if (path == null) {
                return;
            }
            handshakes.incrementAndGet();
            if (pushBytes >= 0 && path.startsWith("/push")) {
                push(socket, in, out);
            } else {
                echoLoop(socket, in, out);
            }
        } catch (IOException e) {
            if (!closed) {
                errors.add(socket.getPort() + ": " + e);
            }
        } finally {
            connections.remove(socket);
            open.decrementAndGet();
        }
    }

    /** Reads the upgrade request and answers 101 (returning the request target), or 400 (returning null). */
    private String handshake(InputStream in, OutputStream out) throws IOException {
        String requestLine = RawWebSocket.readLine(in);
        String key = null;
        String upgrade = null;
        for (String line = RawWebSocket.readLine(in); !line.isEmpty(); line = RawWebSocket.readLine(in)) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals("sec-websocket-key")) {
                key = value;
            } else if (name.equals("upgrade")) {
                upgrade = value;
            }
        }
        String[] parts = requestLine.split(" ");
        String path = parts.length > 1 ? parts[1] : requestLine;
        paths.add(path);
        if (key == null || upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
            out.write(("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\nX-Backend: " + id
                + "\r\n\r\n").getBytes(US_ASCII));
            out.flush();
            return null;
        }
        out.write(("HTTP/1.1 101 Switching Protocols\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: " + RawWebSocket.acceptFor(key) + "\r\n"
            + "X-Backend: " + id + "\r\n\r\n").getBytes(US_ASCII));
        out.flush();
        return path;
    }

    private void echoLoop(Socket socket, InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[BUFFER_SIZE];
        byte[] mask = new byte[4];
        while (true) {
            int b0 = in.read();
            if (b0 < 0) {
                // the client's FIN: what is owed is written, then the connection ends
                finsSeen.incrementAndGet();
                out.flush();
                return;
            }
            int b1 = readByte(in);
            boolean masked = (b1 & 0x80) != 0;
            int len7 = b1 & 0x7F;
            out.write(b0);
            out.write(len7);
            long length = len7;
            if (len7 == 126) {
                int hi = readByte(in);
                int lo = readByte(in);
                out.write(hi);
                out.write(lo);
                length = (hi << 8) | lo;
            } else if (len7 == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    int b = readByte(in);
                    out.write(b);
                    length = (length << 8) | b;
                }
            }
            if (masked) {
                readFully(in, mask, 4);
            }
            if ((b0 & 0x0F) < 8) {
                // counted before any of the echo leaves: a client that has its echo back finds it counted
                framesEchoed.incrementAndGet();
                bytesEchoed.addAndGet(length);
            }
            long offset = 0;
            while (offset < length) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, length - offset));
                if (n < 0) {
                    throw new EOFException("frame cut short at " + offset + " of " + length + " bytes");
                }
                if (masked) {
                    for (int i = 0; i < n; i++) {
                        buffer[i] ^= mask[(int) ((offset + i) & 3)];
                    }
                }
                out.write(buffer, 0, n);
                offset += n;
                payloadEchoed.addAndGet(n);
                if (in.available() == 0) {
                    // nothing more to read at once: what was unmasked goes out now, not with the next read
                    out.flush();
                }
            }
            int opcode = b0 & 0x0F;
            if (opcode == RawWebSocket.CLOSE) {
                closesReceived.add((masked ? "masked " : "unmasked ")
                        + (length >= 2 ? String.valueOf((buffer[0] & 0xFF) << 8 | (buffer[1] & 0xFF)) : "no code"));
                closesEchoed.incrementAndGet();
                out.flush();
                awaitEnd(socket, in, buffer);
                return;
            }
            if (in.available() == 0) {
                out.flush();
            }
        }
    }

    private void push(Socket socket, InputStream in, OutputStream out) throws IOException {
        StreamingBackend.Pattern pattern = new StreamingBackend.Pattern(pushSeed);
        MessageDigest sha256 = StreamingBackend.sha256();
        byte[] buffer = new byte[BUFFER_SIZE];
        for (long remaining = pushBytes; remaining > 0;) {
            int n = (int) Math.min(buffer.length, remaining);
            pattern.fill(buffer, n);
            sha256.update(buffer, 0, n);
            out.write(RawWebSocket.header(RawWebSocket.BINARY, true, n, false));
            out.write(buffer, 0, n);
            remaining -= n;
            pushed.addAndGet(n);
        }
        pushedDigests.add(HexFormat.of().formatHex(sha256.digest()));
        out.write(RawWebSocket.header(RawWebSocket.CLOSE, true, 2, false));
        out.write(new byte[] {(byte) (1000 >> 8), (byte) (1000 & 0xFF)});
        out.flush();
        awaitEnd(socket, in, buffer);
    }

    /** After its close frame: half-closes, reads whatever the client still sends until its end, then returns. */
    private void awaitEnd(Socket socket, InputStream in, byte[] buffer) throws IOException {
        try {
            socket.shutdownOutput();
            socket.setSoTimeout(CLOSE_WAIT_MS);
            while (in.read(buffer) >= 0) {
                // the client's close frame, if it sends one
            }
            finsSeen.incrementAndGet();
        } catch (SocketException e) {
            // the client (or the proxy) reset instead: the connection ended all the same
        }
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection ended inside a frame header");
        }
        return b;
    }

    private static void readFully(InputStream in, byte[] into, int length) throws IOException {
        int done = 0;
        while (done < length) {
            int n = in.read(into, done, length - done);
            if (n < 0) {
                throw new EOFException("connection ended inside a frame header");
            }
            done += n;
        }
    }

    String id() {
        return id;
    }

    /** Each close frame received so far: "masked 1001" and the like. */
    List<String> closesReceived() {
        return List.copyOf(closesReceived);
    }

    int port() {
        return server.getLocalPort();
    }

    /** {@code ws://127.0.0.1:PORT/}, for a route's url. */
    String url() {
        return "ws://127.0.0.1:" + port() + "/";
    }

    int accepted() {
        return accepted.get();
    }

    /** Connections that completed the handshake (were answered 101). */
    int handshakes() {
        return handshakes.get();
    }

    int open() {
        return open.get();
    }

    int maxOpen() {
        return maxOpen.get();
    }

    /** Data frames (text, binary, continuation) echoed, all connections together. */
    long framesEchoed() {
        return framesEchoed.get();
    }

    long bytesEchoed() {
        return bytesEchoed.get();
    }

    /** Payload bytes echoed so far, frames in progress included (a progress figure). */
    long payloadEchoed() {
        return payloadEchoed.get();
    }

    int closesEchoed() {
        return closesEchoed.get();
    }

    /** Connections whose client ended its side (read returned -1). */
    int finsSeen() {
        return finsSeen.get();
    }

    /** Payload bytes a pusher has written so far, all connections together. */
    long pushed() {
        return pushed.get();
    }

    /** The SHA-256 (hex) of each push completed, in order. */
    List<String> pushedDigests() {
        return List.copyOf(pushedDigests);
    }

    /** The request targets of the handshakes received. */
    List<String> paths() {
        return List.copyOf(paths);
    }

    /** I/O errors met on connections (not counting those after {@link #close()}). */
    List<String> errors() {
        return List.copyOf(errors);
    }

    @Override
    public String toString() {
        return "backend " + id + " (port " + port() + ": " + accepted() + " accepted, " + handshakes()
            + " upgraded, " + open() + " open, " + framesEchoed() + " frames echoed, " + finsSeen() + " FINs, "
            + pushed() + " bytes pushed, errors " + (errors.size() > 3 ? errors.subList(0, 3) + "..." : errors) + ")";
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closed anyway
        }
        for (Socket socket : connections) {
            try {
                socket.close();
            } catch (IOException e) {
                // closed anyway
            }
        }
    }
}
