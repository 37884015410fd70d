package io.passerelle.itests;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLSocket;

/**
 * A backend on a plain (or TLS) loopback socket for the handshake tests: it reads each request head byte for
 * byte, records it exactly as it arrived, and lets the test's {@link Function responder} say what to answer
 * and what the connection does next:
 * <ul>
 * <li>{@link Then#NEXT_REQUEST}: an ordinary HTTP answer; the connection waits for the next request;</li>
 * <li>{@link Then#WEBSOCKET_ECHO}: after a {@code 101}, every frame the client sends comes back unmasked with
 *     its first byte unchanged (FIN, RSV1-3 and opcode as sent, so a compressed frame stays compressed); a
 *     close frame is echoed and ends the connection;</li>
 * <li>{@link Then#RAW_UPPER_CASE}: after a {@code 101} of any protocol, the backend first writes the
 *     answer's greeting, then sends back every byte it receives upper-cased, until the client ends.</li>
 * </ul>
 * Nothing here knows what the proxy should do: the tests compare what was sent with what the backend recorded.
 */
final class UpgradeBackend implements AutoCloseable {

    /** What a connection does after the answer. */
    enum Then { NEXT_REQUEST, WEBSOCKET_ECHO, RAW_UPPER_CASE }

    /** The bytes to answer with, and what follows them. */
    record Answer(byte[] bytes, Then then) {
    }

    /** One request head as received: its request line and its fields in order, and the raw text. */
    record Head(String requestLine, List<Map.Entry<String, String>> fields, String raw) {

        String method() {
            return requestLine.split(" ")[0];
        }

        /** The request target, as the backend received it. */
        String target() {
            String[] parts = requestLine.split(" ");
            return parts.length > 1 ? parts[1] : "";
        }

        /** The first value of a field (name compared case-insensitively), or null. */
        String header(String name) {
            List<String> all = headers(name);
            return all.isEmpty() ? null : all.get(0);
        }

        /** Every value of a field, in order. */
        List<String> headers(String name) {
            List<String> values = new ArrayList<>();
            for (Map.Entry<String, String> f : fields) {
                if (f.getKey().equalsIgnoreCase(name)) {
                    values.add(f.getValue());
                }
            }
            return values;
        }

        /** Whether the head carries a field line exactly {@code Name: value} (case and spacing as given). */
        boolean hasLine(String line) {
            return raw.contains("\r\n" + line + "\r\n");
        }

        @Override
        public String toString() {
            return raw.replace("\r\n", "\\r\\n ");
        }
    }

    private static final int STACK_SIZE = 256 * 1024;

    private final String id;
    private final ServerSocket server;
    private final Function<Head, Answer> responder;
    private final List<Head> heads = new CopyOnWriteArrayList<>();
    private final List<String> serverNames = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger framesEchoed = new AtomicInteger();
    private final AtomicInteger compressedFramesEchoed = new AtomicInteger();
    private final AtomicInteger tunnelsEnded = new AtomicInteger();
    private volatile boolean closed;

    private UpgradeBackend(String id, ServerSocket server, Function<Head, Answer> responder) {
        this.id = id;
        this.server = server;
        this.responder = responder;
        Thread acceptor = new Thread(this::acceptLoop, "upgrade-backend-" + id + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** On an ephemeral plain loopback port. */
    static UpgradeBackend start(String id, Function<Head, Answer> responder) throws IOException {
        return new UpgradeBackend(id, new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), responder);
    }

    /** On a server socket of the caller's, e.g. a TLS one (the SNI names clients ask for are recorded). */
    static UpgradeBackend on(String id, ServerSocket server, Function<Head, Answer> responder) {
        return new UpgradeBackend(id, server, responder);
    }

    // ------------------------------------------------------------------ answers

    /**
     * A WebSocket {@code 101}: {@code Upgrade} with the value the request carried (so the client sees what the
     * backend received), the {@code Sec-WebSocket-Accept} RFC 6455 derives from the request's key, the extra
     * field lines given; then {@link Then#WEBSOCKET_ECHO}.
     */
    static Answer webSocket(Head head, String... extraFields) {
        StringBuilder s = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n")
            .append("Upgrade: ").append(head.header("Upgrade")).append("\r\n")
            .append("Connection: Upgrade\r\n");
        String key = head.header("Sec-WebSocket-Key");
        if (key != null) {
            s.append("Sec-WebSocket-Accept: ").append(RawWebSocket.acceptFor(key)).append("\r\n");
        }
        for (String field : extraFields) {
            s.append(field).append("\r\n");
        }
        return new Answer(s.append("\r\n").toString().getBytes(ISO_8859_1), Then.WEBSOCKET_ECHO);
    }

    /**
     * A {@code 101} whose head is exactly the status line and the field lines given (an {@code Upgrade} of any
     * value, or none), followed by {@code greeting}; then {@link Then#RAW_UPPER_CASE}.
     */
    static Answer switching(String greeting, String... fields) {
        StringBuilder s = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n");
        for (String field : fields) {
            s.append(field).append("\r\n");
        }
        s.append("\r\n").append(greeting);
        return new Answer(s.toString().getBytes(ISO_8859_1), Then.RAW_UPPER_CASE);
    }

    /** An ordinary answer with a body and its Content-Length, plus the field lines given; keep-alive. */
    static Answer status(int status, String reason, String body, String... fields) {
        byte[] content = body.getBytes(ISO_8859_1);
        StringBuilder s = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n")
            .append("Content-Type: text/plain\r\n")
            .append("Content-Length: ").append(content.length).append("\r\n");
        for (String field : fields) {
            s.append(field).append("\r\n");
        }
        s.append("\r\n").append(body);
        return new Answer(s.toString().getBytes(ISO_8859_1), Then.NEXT_REQUEST);
    }

    // ------------------------------------------------------------------ serving

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
            Thread t = new Thread(null, () -> serve(socket), "upgrade-backend-" + id + "-" + socket.getPort(),
                STACK_SIZE);
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket socket) {
        open.incrementAndGet();
        try (socket) {
            socket.setTcpNoDelay(true);
            if (socket instanceof SSLSocket tls) {
                tls.startHandshake();
                if (tls.getSession() instanceof ExtendedSSLSession session) {
                    for (SNIServerName name : session.getRequestedServerNames()) {
                        serverNames.add(name instanceof SNIHostName host ? host.getAsciiName() : name.toString());
                    }
                }
            }
            InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
            OutputStream out = socket.getOutputStream();
            while (true) {
                Head head = readHead(in);
                if (head == null) {
                    return; // the client ended between requests
                }
                heads.add(head);
                Answer answer = responder.apply(head);
                out.write(answer.bytes());
                out.flush();
                switch (answer.then()) {
                    case NEXT_REQUEST -> {
                        // keep-alive: the next head, if the client sends one
                    }
                    case WEBSOCKET_ECHO -> {
                        echoFrames(in, out);
                        tunnelsEnded.incrementAndGet();
                        return;
                    }
                    case RAW_UPPER_CASE -> {
                        upperCaseEcho(in, out);
                        tunnelsEnded.incrementAndGet();
                        return;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                errors.add(socket.getPort() + ": " + e);
            }
        } finally {
            connections.remove(socket);
            open.decrementAndGet();
        }
    }

    /** The next request head, or null when the connection ends before its first byte. */
    private static Head readHead(InputStream in) throws IOException {
        StringBuilder raw = new StringBuilder();
        String requestLine = readLineOrNull(in);
        if (requestLine == null) {
            return null;
        }
        raw.append(requestLine).append("\r\n");
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (String line = RawWebSocket.readLine(in); !line.isEmpty(); line = RawWebSocket.readLine(in)) {
            raw.append(line).append("\r\n");
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.add(Map.entry(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
            }
        }
        raw.append("\r\n");
        return new Head(requestLine, List.copyOf(fields), raw.toString());
    }

    private static String readLineOrNull(InputStream in) throws IOException {
        in.mark(1);
        if (in.read() < 0) {
            return null;
        }
        in.reset();
        return RawWebSocket.readLine(in);
    }

    /** Echoes frames (unmasked, first byte as sent) until a close frame, which is echoed too, or the end. */
    private void echoFrames(InputStream in, OutputStream out) throws IOException {
        while (true) {
            int b0 = in.read();
            if (b0 < 0) {
                return;
            }
            int b1 = readByte(in);
            long length = b1 & 0x7F;
            if (length == 126) {
                length = (readByte(in) << 8) | readByte(in);
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | readByte(in);
                }
            }
            if (length > 16 * 1024 * 1024) {
                throw new IOException("frame too large for this backend: " + length);
            }
            byte[] mask = (b1 & 0x80) != 0 ? readFully(in, 4) : null;
            byte[] payload = readFully(in, (int) length);
            if (mask != null) {
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i & 3];
                }
            }
            int opcode = b0 & 0x0F;
            if (opcode < 8) {
                // counted before the echo leaves: a client that has its echo back finds it counted
                framesEchoed.incrementAndGet();
                if ((b0 & 0x40) != 0) {
                    compressedFramesEchoed.incrementAndGet();
                }
            }
            byte[] header = RawWebSocket.header(opcode, (b0 & 0x80) != 0, length, false);
            header[0] = (byte) b0; // RSV bits as the client sent them
            out.write(header);
            out.write(payload);
            out.flush();
            if (opcode == RawWebSocket.CLOSE) {
                return;
            }
        }
    }

    private static void upperCaseEcho(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[8192];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            String upper = new String(buffer, 0, n, ISO_8859_1).toUpperCase(Locale.ROOT);
            out.write(upper.getBytes(ISO_8859_1));
            out.flush();
        }
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection ended inside a frame header");
        }
        return b;
    }

    private static byte[] readFully(InputStream in, int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw new EOFException("connection ended inside a frame: " + bytes.length + " of " + length + " bytes");
        }
        return bytes;
    }

    // ------------------------------------------------------------------ what happened

    String id() {
        return id;
    }

    int port() {
        return server.getLocalPort();
    }

    /** {@code scheme://127.0.0.1:PORT/}. */
    String url(String scheme) {
        return scheme + "://127.0.0.1:" + port() + "/";
    }

    /** The request heads received, all connections together, in arrival order. */
    List<Head> heads() {
        return List.copyOf(heads);
    }

    /** The last request head received, or null. */
    Head lastHead() {
        List<Head> all = heads();
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    int accepted() {
        return accepted.get();
    }

    int open() {
        return open.get();
    }

    int framesEchoed() {
        return framesEchoed.get();
    }

    /** Data frames echoed that arrived with RSV1 set (permessage-deflate's "compressed" bit). */
    int compressedFramesEchoed() {
        return compressedFramesEchoed.get();
    }

    /** Connections whose tunnel (after a 101) has ended. */
    int tunnelsEnded() {
        return tunnelsEnded.get();
    }

    /** The SNI host names TLS clients asked for. */
    List<String> serverNames() {
        return List.copyOf(serverNames);
    }

    List<String> errors() {
        return List.copyOf(errors);
    }

    /** The errors met so far, which are then forgotten: for a test that expects some. */
    List<String> takeErrors() {
        List<String> taken = new ArrayList<>(errors);
        errors.removeAll(taken);
        return taken;
    }

    @Override
    public String toString() {
        return "backend " + id + " (port " + port() + ": " + accepted() + " accepted, " + heads.size() + " heads, "
            + open() + " open, " + framesEchoed() + " frames echoed, errors " + errors + ")";
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
