package io.passerelle.core.internal.front;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.passerelle.common.http.Reasons;

/** The short responses the proxy makes itself: status line, plain text body, never request data. */
final class ErrorResponses {

    private ErrorResponses() {
    }

    static String body(int status) {
        return status + " " + Reasons.of(status) + "\n";
    }

    static int bodyLength(int status) {
        return body(status).length();
    }

    static ByteBuffer page(int status, boolean close, boolean headOnly) {
        String body = body(status);
        StringBuilder sb = new StringBuilder(160);
        sb.append("HTTP/1.1 ").append(status).append(' ').append(Reasons.of(status)).append("\r\n")
                .append("Content-Type: text/plain; charset=utf-8\r\n")
                .append("Content-Length: ").append(body.length()).append("\r\n");
        if (close) {
            sb.append("Connection: close\r\n");
        }
        sb.append("\r\n");
        if (!headOnly) {
            sb.append(body);
        }
        return ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }
}
