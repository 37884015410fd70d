package io.passerelle.itests;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client on a plain socket: one request per connection
 * ({@code Connection: close}), the response read whole (Content-Length, chunked, or
 * until the server closes). Plain sockets keep the tests in charge of every byte sent,
 * need nothing from the container, and show the proxy's own answers (404, 503) as they
 * are.
 */
final class RawHttp {

    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 15_000;

    private RawHttp() {
    }

    static HttpResult exchange(int port, String method, String path, String body) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MS);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            byte[] content = body == null ? new byte[0] : body.getBytes(UTF_8);
            StringBuilder head = new StringBuilder()
                .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n")
                .append("User-Agent: passerelle-itests\r\n")
                .append("Connection: close\r\n");
            if (body != null) {
                head.append("Content-Type: text/plain; charset=UTF-8\r\n")
                    .append("Content-Length: ").append(content.length).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(US_ASCII));
            out.write(content);
            out.flush();
            return read(new BufferedInputStream(socket.getInputStream()), "HEAD".equals(method));
        }
    }

    static HttpResult read(InputStream in, boolean headRequest) throws IOException {
        String statusLine = readLine(in);
        while (true) {
            // skip interim 1xx answers (100 Continue), keep the final one
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                throw new IOException("not an HTTP status line: '" + statusLine + "'");
            }
            int status = Integer.parseInt(parts[1]);
            Map<String, List<String>> headers = readHeaders(in);
            if (status >= 100 && status < 200 && status != 101) {
                statusLine = readLine(in);
                continue;
            }
            byte[] body;
            String transferEncoding = first(headers, "transfer-encoding");
            String contentLength = first(headers, "content-length");
            if (headRequest || status == 204 || status == 304 || status == 101) {
                body = new byte[0];
            } else if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).endsWith("chunked")) {
                body = readChunked(in);
            } else if (contentLength != null) {
                body = in.readNBytes(Integer.parseInt(contentLength.trim()));
            } else {
                body = in.readAllBytes();
            }
            return new HttpResult(status, headers, new String(body, UTF_8));
        }
    }

    private static Map<String, List<String>> readHeaders(InputStream in) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line: '" + line + "'");
            }
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .add(line.substring(colon + 1).trim());
        }
        return headers;
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim(), 16);
            if (size == 0) {
                readHeaders(in); // trailer
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length < size) {
                throw new EOFException("chunk cut short");
            }
            body.write(chunk);
            readLine(in); // CRLF after the chunk
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed inside the response head"
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

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
