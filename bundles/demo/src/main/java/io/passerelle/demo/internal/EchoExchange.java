package io.passerelle.demo.internal;

import org.apache.mina.core.buffer.IoBuffer;

/**
 * Echoes the request body as it arrives, with the request's framing (same Content-Length, or chunked).
 * The connection's {@link ReadThrottle} stops reading while the echoed bytes queue up.
 */
final class EchoExchange implements Exchange {

    private final ResponseWriter writer;

    EchoExchange(ResponseWriter writer) {
        this.writer = writer;
    }

    @Override
    public void start() {
        RequestHead request = writer.request();
        writer.continueIfExpected();
        String type = request.header("Content-Type");
        writer.head(200, type == null ? "application/octet-stream" : type, request.contentLength());
    }

    @Override
    public void requestBody(IoBuffer piece) {
        IoBuffer copy = IoBuffer.allocate(piece.remaining());
        copy.put(piece).flip();
        writer.body(copy);
    }

    @Override
    public void requestEnd() {
        writer.finish();
    }
}
