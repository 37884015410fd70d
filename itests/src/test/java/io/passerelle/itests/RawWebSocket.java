package io.passerelle.itests;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket (RFC 6455, client side), for the tests that need control
 * of every byte: the handshake as sent and answered, masked frames, half-close, a slow reader
 * with a small receive buffer. Also the frame codec the {@link WsEchoBackend} shares.
 */
final class RawWebSocket implements AutoCloseable {

    static final int CONTINUATION = 0;
    static final int TEXT = 1;
    static final int BINARY = 2;
    static final int CLOSE = 8;

    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final int status;
    private final String statusLine;
    private final Map<String, List<String>> headers;
    private final String expectedAccept;

    private RawWebSocket(Socket socket, InputStream in, OutputStream out, String statusLine,
            Map<String, List<String>> headers, String expectedAccept) {
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.statusLine = statusLine;
        String[] parts = statusLine.split(" ", 3);
        this.status = Integer.parseInt(parts[1]);
        this.headers = headers;
        this.expectedAccept = expectedAccept;
    }

    /**
     * Connects to {@code 127.0.0.1:port}, sends {@code GET path} with {@code Upgrade: websocket}
     * and reads the answer's head. {@code receiveBuffer > 0} sets the socket's receive buffer
     * (before connecting, so that the TCP window follows it). The answer is whatever the server
     * said: check {@link #status()} (101 on success, then {@link #acceptMatches()}).
     */
    static RawWebSocket open(int port, String path, int receiveBuffer, int readTimeoutMs) throws IOException {
        Socket socket = new Socket();
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MS);
            socket.setSoTimeout(readTimeoutMs);
            socket.setTcpNoDelay(true);
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            String key = Base64.getEncoder().encodeToString(nonce);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), WsEchoBackend.BUFFER_SIZE);
            out.write(("GET " + path + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "User-Agent: passerelle-itests\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(US_ASCII));
            out.flush();
            // small: a read larger than it goes to the socket directly
            InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
            String statusLine = readLine(in);
            if (!statusLine.startsWith("HTTP/1.1 ") && !statusLine.startsWith("HTTP/1.0 ")) {
                throw new IOException("not an HTTP status line: '" + statusLine + "'");
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("malformed header line: '" + line + "'");
                }
                headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
            }
            return new RawWebSocket(socket, in, out, statusLine, headers, acceptFor(key));
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    int status() {
        return status;
    }

    /** The first value of a header of the answer, or null. */
    String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The server's Sec-WebSocket-Accept is the one RFC 6455 derives from the key this client sent. */
    boolean acceptMatches() {
        return expectedAccept.equals(header("Sec-WebSocket-Accept"));
    }

    /** The answer's head, for messages. */
    /** The client's own port, as the proxy sees it ({@code proxy:tunnels}' Client column). */
    public int localPort() {
        return socket.getLocalPort();
    }

    String describe() {
        return statusLine + " " + headers;
    }

    Socket socket() {
        return socket;
    }

    /** The input after the answer's head (buffered: read with it, not with the socket's stream). */
    InputStream in() {
        return in;
    }

    /** Writes one masked frame into the output buffer (see {@link #flush()}). */
    void send(int opcode, byte[] payload) throws IOException {
        send(opcode, true, payload, 0, payload.length);
    }

    void send(int opcode, boolean fin, byte[] payload, int offset, int length) throws IOException {
        out.write(header(opcode, fin, length, true));
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        out.write(mask);
        byte[] masked = new byte[Math.min(length, WsEchoBackend.BUFFER_SIZE)];
        for (int done = 0; done < length;) {
            int n = Math.min(masked.length, length - done);
            for (int i = 0; i < n; i++) {
                masked[i] = (byte) (payload[offset + done + i] ^ mask[(done + i) & 3]);
            }
            out.write(masked, 0, n);
            done += n;
        }
    }

    void sendText(String text) throws IOException {
        send(TEXT, text.getBytes(UTF_8));
        flush();
    }

    /** Sends a close frame with this status code. */
    void sendClose(int code) throws IOException {
        send(CLOSE, new byte[] {(byte) (code >> 8), (byte) code});
        flush();
    }

    void flush() throws IOException {
        out.flush();
    }

    /** Sends FIN: no more bytes from this client; reading goes on. */
    void shutdownOutput() throws IOException {
        out.flush();
        socket.shutdownOutput();
    }

    /** Reads one whole frame (for small frames), or null at the end of the stream before any byte of one. */
    Frame readFrame() throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        int b1 = read(in);
        if ((b1 & 0x80) != 0) {
            throw new IOException("a server frame is masked");
        }
        long length = b1 & 0x7F;
        if (length == 126) {
            length = (read(in) << 8) | read(in);
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | read(in);
            }
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw new IOException("frame too large for readFrame: " + length);
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length < length) {
            throw new EOFException("frame cut short: " + payload.length + " of " + length + " bytes");
        }
        return new Frame((b0 & 0x80) != 0, b0 & 0x0F, payload);
    }

    /**
     * Reads until the server ends the connection, and returns what ended it: {@code "EOF"} for an
     * orderly end, or the exception (a reset), after {@code extra} bytes that came before it.
     */
    String readToEnd() throws IOException {
        byte[] buffer = new byte[8192];
        long extra = 0;
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                extra += n;
            }
            return extra == 0 ? "EOF" : "EOF after " + extra + " more bytes";
        } catch (java.net.SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            return e + (extra == 0 ? "" : " after " + extra + " more bytes");
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** One frame as received. */
    record Frame(boolean fin, int opcode, byte[] payload) {

        String text() {
            return new String(payload, UTF_8);
        }

        /** The status code of a close frame, or -1. */
        int closeCode() {
            return opcode == CLOSE && payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
        }

        @Override
        public String toString() {
            return "frame(opcode " + opcode + (fin ? ", fin" : "") + ", " + payload.length + " bytes"
                + (opcode == TEXT && payload.length <= 80 ? ": '" + text() + "'" : "")
                + (opcode == CLOSE ? ", code " + closeCode() : "") + ")";
        }
    }

    // ------------------------------------------------------------------ codec

    /** A frame header: FIN and opcode, the mask bit, the length in its shortest form (no mask key). */
    static byte[] header(int opcode, boolean fin, long length, boolean masked) {
        int b0 = (fin ? 0x80 : 0) | opcode;
        int maskBit = masked ? 0x80 : 0;
        if (length < 126) {
            return new byte[] {(byte) b0, (byte) (maskBit | length)};
        } else if (length < 65536) {
            return new byte[] {(byte) b0, (byte) (maskBit | 126), (byte) (length >> 8), (byte) length};
        }
        byte[] h = new byte[10];
        h[0] = (byte) b0;
        h[1] = (byte) (maskBit | 127);
        for (int i = 0; i < 8; i++) {
            h[2 + i] = (byte) (length >>> (56 - 8 * i));
        }
        return h;
    }

    /** Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 4.2.2). */
    static String acceptFor(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(sha1.digest((key + GUID).getBytes(US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection ended inside an HTTP head"
                    + (line.size() > 0 ? " after '" + line.toString(US_ASCII) + "'" : ""));
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, US_ASCII);
            }
            line.write(b);
        }
    }

    private static int read(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection ended inside a frame header");
        }
        return b;
    }

    /**
     * Parses the frames of a server's stream fed in pieces of any size (as a slow reader gets
     * them), and hands the payload to {@link #payload} without holding it.
     */
    abstract static class FrameParser {
        private final byte[] head = new byte[10];
        private int headRead;
        private int headNeeded = 2;
        private long remaining = -1;
        private int opcode;
        private boolean fin;
        private final ByteArrayOutputStream control = new ByteArrayOutputStream();

        /** Called with each piece of a data frame's payload. */
        abstract void payload(int opcode, byte[] data, int offset, int length);

        /** Called at the end of each frame; a control frame's payload is given whole. */
        abstract void frameEnd(int opcode, boolean fin, byte[] controlPayload);

        void feed(byte[] data, int offset, int length) throws IOException {
            int i = offset;
            int end = offset + length;
            while (i < end) {
                if (remaining < 0) {
                    head[headRead++] = data[i++];
                    if (headRead == 2) {
                        if ((head[1] & 0x80) != 0) {
                            throw new IOException("a server frame is masked");
                        }
                        int len7 = head[1] & 0x7F;
                        headNeeded = len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
                    }
                    if (headRead >= 2 && headRead == headNeeded) {
                        fin = (head[0] & 0x80) != 0;
                        opcode = head[0] & 0x0F;
                        long len = head[1] & 0x7F;
                        if (len == 126) {
                            len = ((head[2] & 0xFF) << 8) | (head[3] & 0xFF);
                        } else if (len == 127) {
                            len = 0;
                            for (int k = 2; k < 10; k++) {
                                len = (len << 8) | (head[k] & 0xFF);
                            }
                        }
                        remaining = len;
                        headRead = 0;
                        headNeeded = 2;
                        control.reset();
                        if (remaining == 0) {
                            endFrame();
                        }
                    }
                } else {
                    int n = (int) Math.min(remaining, end - i);
                    if (opcode >= 8) {
                        control.write(data, i, n);
                    } else {
                        payload(opcode, data, i, n);
                    }
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        endFrame();
                    }
                }
            }
        }

        private void endFrame() {
            remaining = -1;
            frameEnd(opcode, fin, opcode >= 8 ? control.toByteArray() : null);
        }

        /** Between frames (no frame begun and not ended). */
        boolean atFrameBoundary() {
            return remaining < 0 && headRead == 0;
        }
    }
}
