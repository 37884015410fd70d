package io.passerelle.core.internal.backend;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.passerelle.api.HttpFields;
import io.passerelle.api.RequestHead;
import io.passerelle.api.ResponseHead;
import io.passerelle.core.internal.http.Buffers;
import io.passerelle.core.internal.http.ChunkedDecoder;
import io.passerelle.core.internal.http.ContentLength;
import io.passerelle.core.internal.http.HeadWriter;
import io.passerelle.core.internal.http.HttpParseException;
import io.passerelle.core.internal.http.MessageWriter;
import io.passerelle.core.internal.http.ResponseHeadParser;
import io.passerelle.core.internal.net.Connection;
import io.passerelle.core.internal.net.Protocol;

/**
 * The HTTP/1.1 client side of a backend connection: frames one request at a time, parses the response
 * incrementally and streams its body to the {@link ResponseListener}, and says whether the connection may carry
 * the next request. Runs in the connection's context, which is the context of the exchange that sent the
 * request.
 */
public final class HttpClientConnection implements Protocol {

    private enum State { IDLE, HEAD, LENGTH, CHUNKED, UNTIL_CLOSE, UPGRADED, CLOSED }

    private static final int MAX_HEAD = 64 * 1024;

    private final Connection connection;
    private final String key;
    private final ResponseHeadParser parser = new ResponseHeadParser(MAX_HEAD);
    private final MessageWriter out;
    private ResponseListener listener;
    private State state = State.IDLE;
    private ChunkedDecoder chunked;
    private long remaining;
    private boolean requestEnded;
    private boolean headRequest;
    private boolean keepAlive;
    private boolean reusable;
    private boolean started;
    private ByteBuffer leftover;

    /** @param key what pools keep it under */
    public HttpClientConnection(Connection connection, String key) {
        this.connection = connection;
        this.key = key;
        this.out = new MessageWriter(connection::write);
    }

    public Connection connection() {
        return connection;
    }

    public String key() {
        return key;
    }

    /** Who hears of the response from now on (null: nobody; the connection is being let go). */
    public void listener(ResponseListener l) {
        this.listener = l;
    }

    // ---- the request

    /**
     * Sends a request head. The body that follows is framed by its headers: Content-Length, or
     * {@code Transfer-Encoding: chunked} (what is written is then chunk-encoded). {@code HEAD} expects no body.
     */
    public void sendHead(RequestHead head) {
        HttpFields f = head.headers();
        headRequest = head.isHead();
        requestEnded = false;
        reusable = false;
        started = false;
        parser.reset();
        state = State.HEAD;
        // held until the first body bytes or the end of the body, to go out in the same write
        out.head(HeadWriter.requestLineAndFields(head.method(), head.target(), f),
                f.containsToken("Transfer-Encoding", "chunked"));
    }

    /** Sends body bytes. @return false when the backend is behind: stop until {@link #onDrain(Runnable)} */
    public boolean write(ByteBuffer data) {
        out.data(data);
        return connection.writable();
    }

    /** Ends the request body (the last chunk of a chunked body). */
    public void endBody() {
        if (!requestEnded) {
            out.end();
        }
        requestEnded = true;
        if (state == State.IDLE && keepAlive) {
            reusable = true;
        }
    }

    public void onDrain(Runnable task) {
        connection.whenDrained(task);
    }

    /** A read timeout: {@link ResponseListener#onTimeout()} after this long without I/O while a response is due. */
    public void readTimeout(long millis) {
        connection.idleSeconds(millis <= 0 ? 0 : (int) Math.max(1, (millis + 999) / 1000));
    }

    /** Whether the last response was complete and both sides allow keep-alive. */
    public boolean isReusable() {
        return reusable && connection.isOpen();
    }

    public boolean isOpen() {
        return connection.isOpen();
    }

    /** Whether any byte of a response arrived since the last {@link #sendHead}. */
    public boolean responseStarted() {
        return started;
    }

    public void close() {
        out.discard();
        state = State.CLOSED;
        connection.close();
    }

    /** The bytes that followed a {@code 101} head: they belong to the tunnel. */
    public ByteBuffer takeLeftover() {
        ByteBuffer b = leftover;
        leftover = null;
        return b;
    }

    // ---- events

    @Override
    public void onData(ByteBuffer in) {
        ResponseListener l = listener;
        while (in.hasRemaining() && l != null && l == listener) {
            switch (state) {
                case HEAD -> {
                    started = true;
                    try {
                        if (!parser.parse(in)) {
                            return;
                        }
                    } catch (HttpParseException e) {
                        fail(l, e.getMessage());
                        return;
                    }
                    if (!onHead(l, parser.head(), in)) {
                        return;
                    }
                }
                case LENGTH -> {
                    ByteBuffer slice = Buffers.take(in, remaining);
                    remaining -= slice.remaining();
                    if (remaining == 0) {
                        state = State.IDLE;
                    }
                    l.onData(slice);
                    if (state == State.IDLE && l == listener) {
                        finish(l, in);
                    }
                }
                case CHUNKED -> {
                    boolean done;
                    try {
                        done = chunked.decode(in, l::onData);
                    } catch (HttpParseException e) {
                        fail(l, e.getMessage());
                        return;
                    }
                    if (done && l == listener) {
                        state = State.IDLE;
                        finish(l, in);
                    }
                }
                case UNTIL_CLOSE -> {
                    l.onData(in.slice());
                    in.position(in.limit());
                }
                default -> {
                    connection.close(); // bytes where no response is expected
                    return;
                }
            }
        }
        if (l == null && in.hasRemaining()) {
            connection.close();
        }
    }

    /** @return whether to go on reading the same buffer */
    private boolean onHead(ResponseListener l, ResponseHead head, ByteBuffer in) {
        int status = head.status();
        if (status >= 100 && status < 200 && status != 101) {
            parser.reset();
            return true; // interim response: consumed here
        }
        HttpFields f = head.headers();
        keepAlive = parser.version().equals("HTTP/1.1") ? !f.containsToken("Connection", "close")
                : f.containsToken("Connection", "keep-alive");
        if (status == 101) {
            state = State.UPGRADED;
            leftover = in.hasRemaining() ? copy(in) : null;
            in.position(in.limit());
            l.onResponseHead(head);
            return false;
        }
        if (headRequest || status == 204 || status == 304) {
            state = State.IDLE;
            l.onResponseHead(head);
            finish(l, in);
            return false;
        }
        if (f.contains("Transfer-Encoding")) {
            var codings = f.tokens("Transfer-Encoding");
            if (codings.lastIndexOf("chunked") == codings.size() - 1) {
                chunked = new ChunkedDecoder(MAX_HEAD, 502);
                state = State.CHUNKED;
            } else {
                state = State.UNTIL_CLOSE;
                keepAlive = false;
            }
            f.remove("Content-Length");
        } else if (f.contains("Content-Length")) {
            long cl = ContentLength.of(f.getAll("Content-Length"));
            if (cl < 0) {
                fail(l, "invalid Content-Length from the backend");
                return false;
            }
            remaining = cl;
            state = State.LENGTH;
        } else {
            state = State.UNTIL_CLOSE;
            keepAlive = false;
        }
        l.onResponseHead(head);
        if (state == State.LENGTH && remaining == 0 && l == listener) {
            state = State.IDLE;
            finish(l, in);
            return false;
        }
        return l == listener;
    }

    /** The response is complete. */
    private void finish(ResponseListener l, ByteBuffer in) {
        reusable = keepAlive && requestEnded;
        if (in.hasRemaining()) {
            reusable = false; // the backend sent more than the response
            in.position(in.limit());
        }
        l.onEnd();
    }

    private void fail(ResponseListener l, String reason) {
        state = State.CLOSED;
        connection.close();
        l.onError(new IOException(reason));
    }

    @Override
    public void onIdle() {
        ResponseListener l = listener;
        if (l != null && (state == State.HEAD || state == State.LENGTH || state == State.CHUNKED
                || state == State.UNTIL_CLOSE)) {
            l.onTimeout();
        }
    }

    @Override
    public void onInputClosed() {
        connection.close(); // a response ends with the connection's close, which onClosed handles
    }

    @Override
    public void onClosed() {
        State was = state;
        state = State.CLOSED;
        ResponseListener l = listener;
        if (l == null) {
            return;
        }
        switch (was) {
            case UNTIL_CLOSE -> {
                reusable = false;
                l.onEnd();
                l.onClosed();
            }
            case HEAD, LENGTH, CHUNKED -> l.onError(new IOException(started
                    ? "backend closed the connection in the middle of the response"
                    : "backend closed the connection before responding"));
            default -> l.onClosed();
        }
    }

    private static ByteBuffer copy(ByteBuffer in) {
        ByteBuffer b = ByteBuffer.allocate(in.remaining());
        b.put(in.duplicate()).flip();
        return b;
    }
}
