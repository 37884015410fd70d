package io.passerelle.itests;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A client connection on a plain socket that sends request heads exactly as the test writes them (any
 * {@code Upgrade} value, any casing, several requests on one connection), reads each answer's head (and body,
 * for an ordinary answer) with {@link RawHttp#read}, and after a {@code 101} carries raw bytes or WebSocket
 * frames with any first byte (RSV1 for a compressed frame included).
 */
final class UpgradeClient implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MS = 5_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private UpgradeClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 8192);
        this.out = socket.getOutputStream();
    }

    /** Connects to {@code 127.0.0.1:port}. */
    static UpgradeClient connect(int port, int readTimeoutMs) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MS);
            socket.setSoTimeout(readTimeoutMs);
            socket.setTcpNoDelay(true);
            return new UpgradeClient(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Over a socket the caller has connected (a TLS one, say). */
    static UpgradeClient over(Socket socket) throws IOException {
        return new UpgradeClient(socket);
    }

    /** Writes a request head: the lines given, each ended by CRLF, then the empty line. */
    void sendHead(String... lines) throws IOException {
        StringBuilder head = new StringBuilder();
        for (String line : lines) {
            head.append(line).append("\r\n");
        }
        out.write(head.append("\r\n").toString().getBytes(ISO_8859_1));
        out.flush();
    }

    /** Reads one answer: its head, and its body unless it is a 101 (then the stream is at the tunnel's first byte). */
    HttpResult readResponse() throws IOException {
        return RawHttp.read(in, false);
    }

    /** {@link #sendHead} then {@link #readResponse}. */
    HttpResult exchange(String... lines) throws IOException {
        sendHead(lines);
        return readResponse();
    }

    void write(String text) throws IOException {
        out.write(text.getBytes(ISO_8859_1));
        out.flush();
    }

    /** Reads exactly {@code n} bytes (as ISO-8859-1 text), failing if the connection ends first. */
    String read(int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            throw new EOFException("the connection ended after " + bytes.length + " of " + n + " bytes: '"
                + new String(bytes, ISO_8859_1) + "'");
        }
        return new String(bytes, ISO_8859_1);
    }

    /** Sends one masked frame whose first byte (FIN, RSV1-3, opcode) is {@code b0}. */
    void sendFrame(int b0, byte[] payload) throws IOException {
        byte[] header = RawWebSocket.header(b0 & 0x0F, (b0 & 0x80) != 0, payload.length, true);
        header[0] = (byte) b0;
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        byte[] masked = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            masked[i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        out.write(header);
        out.write(mask);
        out.write(masked);
        out.flush();
    }

    /** One frame as received. */
    record Frame(int b0, byte[] payload) {
        int opcode() {
            return b0 & 0x0F;
        }

        boolean rsv1() {
            return (b0 & 0x40) != 0;
        }

        String text() {
            return new String(payload, java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "frame(first byte 0x" + Integer.toHexString(b0) + ", " + payload.length + " bytes)";
        }
    }

    /** Reads one unmasked frame, or null at the end of the stream before its first byte. */
    Frame readFrame() throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        int b1 = readByte();
        if ((b1 & 0x80) != 0) {
            throw new IOException("a server frame is masked");
        }
        long length = b1 & 0x7F;
        if (length == 126) {
            length = (readByte() << 8) | readByte();
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | readByte();
            }
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length < length) {
            throw new EOFException("frame cut short: " + payload.length + " of " + length + " bytes");
        }
        return new Frame(b0, payload);
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection ended inside a frame header");
        }
        return b;
    }

    /**
     * Reads until the server ends the connection and says how it ended: {@code "EOF"}, or the exception of a
     * reset; a read timeout is thrown (the connection did not end).
     */
    String readToEnd() throws IOException {
        byte[] buffer = new byte[8192];
        long extra = 0;
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                extra += n;
            }
            return extra == 0 ? "EOF" : "EOF after " + extra + " more bytes";
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            return e + (extra == 0 ? "" : " after " + extra + " more bytes");
        }
    }

    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
