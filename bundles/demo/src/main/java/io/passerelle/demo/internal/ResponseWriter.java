package io.passerelle.demo.internal;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.IoSession;

import io.passerelle.common.http.Reasons;

/**
 * Writes one response: the head with the demo headers and the framing (Content-Length, chunked, or
 * close-delimited for HTTP/1.0 clients), body pieces in that framing, nothing of the body for HEAD.
 */
final class ResponseWriter {

    private final IoSession session;
    private final RequestHead request;
    private final Runnable onFinished;
    private boolean headSent;
    private boolean bodyAllowed;
    private boolean chunked;
    private boolean close;
    private boolean finished;

    ResponseWriter(IoSession session, RequestHead request, Runnable onFinished) {
        this.session = session;
        this.request = request;
        this.onFinished = onFinished;
    }

    RequestHead request() {
        return request;
    }

    IoSession session() {
        return session;
    }

    boolean headSent() {
        return headSent;
    }

    /** Whether the connection closes after this response. */
    boolean closeAfter() {
        return close;
    }

    /** Whether body bytes are sent at all (not for HEAD, 204 and 304). */
    boolean bodyAllowed() {
        return bodyAllowed;
    }

    /** Sends {@code 100 Continue} if the client waits for it before sending its body. */
    void continueIfExpected() {
        if (request.http11() && request.hasToken("Expect", "100-continue")) {
            session.write(ascii("HTTP/1.1 100 Continue\r\n\r\n"));
        }
    }

    /**
     * Writes the head.
     *
     * @param contentLength the body length, or -1 if unknown (then chunked, or close-delimited for HTTP/1.0)
     * @param extra         additional header names and values, alternating
     */
    void head(int status, String contentType, long contentLength, String... extra) {
        session.write(ascii(headText(status, contentType, contentLength, extra)));
    }

    /** Head and a small fixed body in a single write, then {@link #finish()}. */
    void respond(int status, String contentType, byte[] body, String... extra) {
        byte[] head = headText(status, contentType, body.length, extra).getBytes(StandardCharsets.ISO_8859_1);
        IoBuffer out = IoBuffer.allocate(head.length + (bodyAllowed ? body.length : 0));
        out.put(head);
        if (bodyAllowed) {
            out.put(body);
        }
        session.write(out.flip());
        finish();
    }

    /** A piece of body; it must stay unchanged until written (a fresh copy or a read-only view). */
    void body(IoBuffer data) {
        if (!bodyAllowed || !data.hasRemaining()) {
            return;
        }
        if (chunked) {
            session.write(ascii(Integer.toHexString(data.remaining()) + "\r\n"));
            session.write(data);
            session.write(ascii("\r\n"));
        } else {
            session.write(data);
        }
    }

    void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (chunked && bodyAllowed) {
            session.write(ascii("0\r\n\r\n"));
        }
        onFinished.run();
    }

    private String headText(int status, String contentType, long contentLength, String... extra) {
        boolean noBody = status == 204 || status == 304;
        bodyAllowed = !noBody && !"HEAD".equals(request.method());
        close = !request.keepAlive();
        StringBuilder sb = new StringBuilder(256);
        sb.append("HTTP/1.1 ").append(status).append(' ').append(Reasons.of(status)).append("\r\n");
        sb.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)))
                .append("\r\n");
        sb.append("Server: passerelle-demo\r\n");
        sb.append("X-Demo-Backend: http\r\n");
        sb.append("X-Demo-Connection: ").append(session.getId()).append("\r\n");
        if (contentType != null && !noBody) {
            sb.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (noBody) {
            if (status == 304 && contentLength > 0) {
                sb.append("Content-Length: ").append(contentLength).append("\r\n");
            }
        } else if (contentLength >= 0) {
            sb.append("Content-Length: ").append(contentLength).append("\r\n");
        } else if (request.http11()) {
            chunked = true;
            sb.append("Transfer-Encoding: chunked\r\n");
        } else if (bodyAllowed) {
            close = true;
        }
        for (int i = 0; i + 1 < extra.length; i += 2) {
            sb.append(extra[i]).append(": ").append(extra[i + 1]).append("\r\n");
        }
        if (close) {
            sb.append("Connection: close\r\n");
        } else if (!request.http11()) {
            sb.append("Connection: keep-alive\r\n");
        }
        sb.append("\r\n");
        headSent = true;
        return sb.toString();
    }

    static IoBuffer ascii(String text) {
        return IoBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
