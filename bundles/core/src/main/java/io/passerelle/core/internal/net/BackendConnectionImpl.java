package io.passerelle.core.internal.net;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;

import io.passerelle.api.BackendConnection;
import io.passerelle.api.BackendListener;
import io.passerelle.api.Exchange;
import io.passerelle.api.ExchangeWrapper;
import io.passerelle.api.HttpFields;
import io.passerelle.api.RequestHead;
import io.passerelle.api.ResponseHead;
import io.passerelle.core.internal.http.ChunkedDecoder;
import io.passerelle.core.internal.http.HeadWriter;
import io.passerelle.core.internal.http.HttpParseException;
import io.passerelle.core.internal.http.ResponseHeadParser;

/**
 * An HTTP/1.1 client connection to a backend: frames requests, parses responses incrementally and streams
 * their bodies to the bound listener in the bound exchange's context. After a {@code 101} it becomes one
 * side of a {@link TunnelRelay}.
 */
final class BackendConnectionImpl implements BackendConnection {


    private enum State { IDLE, HEAD, LENGTH, CHUNKED, UNTIL_CLOSE, UPGRADED, CLOSED }

    final IoSession session;
    private final String key;
    private final ResponseHeadParser parser = new ResponseHeadParser(64 * 1024);
    private volatile HttpExchange owner;
    private volatile BackendListener listener;
    private volatile Runnable onCloseUnbound;
    private State state = State.IDLE;
    private ChunkedDecoder chunked;
    private long remaining;
    private boolean requestChunked;
    private boolean requestEnded;
    private boolean headRequest;
    private boolean keepAlive;
    private boolean reusable;
    private boolean started;
    private ByteBuffer leftover;
    private TunnelRelay relay;
    private volatile boolean readSuspended;
    private final FramedOutput out;

    BackendConnectionImpl(IoSession session, String key) {
        this.session = session;
        this.key = key;
        this.out = new FramedOutput(session);
        // the close future, not sessionClosed: MINA 2.2's SslFilter can fail before passing sessionClosed on
        session.getCloseFuture().addListener(f -> closed());
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public long id() {
        return session.getId();
    }

    @Override
    public void bind(Exchange exchange, BackendListener l) {
        this.onCloseUnbound = null;
        this.listener = l;
        this.owner = (HttpExchange) ExchangeWrapper.unwrap(exchange);
    }

    @Override
    public void unbind(Runnable onClose) {
        this.owner = null;
        this.listener = null;
        out.clearDrain();
        this.onCloseUnbound = onClose;
        if (!session.isConnected() || state == State.CLOSED) {
            onClose.run();
        }
    }

    // ---- requests

    @Override
    public void sendHead(RequestHead head) {
        HttpFields f = head.headers();
        requestChunked = f.containsToken("Transfer-Encoding", "chunked");
        headRequest = head.isHead();
        requestEnded = false;
        reusable = false;
        started = false;
        parser.reset();
        state = State.HEAD;
        // held until the first body bytes or the end of the body, to go out in the same write
        out.head(HeadWriter.requestLineAndFields(head.method(), head.target(), f), requestChunked);
        HttpExchange o = owner;
        if (!isOpen() && o != null) {
            // closed while it sat in a pool: report it like any close before the response
            o.connection().ctx.execute(() -> onClosed(o));
        }
    }

    @Override
    public boolean write(ByteBuffer data) {
        return out.data(data);
    }

    @Override
    public void endBody() {
        if (!requestEnded) {
            out.end();
        }
        requestEnded = true;
        if (state == State.IDLE && keepAlive) {
            reusable = true;
        }
    }

    @Override
    public void onDrain(Runnable task) {
        out.onDrain(task);
    }

    @Override
    public void suspendRead() {
        if (!readSuspended) {
            readSuspended = true;
            session.suspendRead();
        }
    }

    @Override
    public void resumeRead() {
        if (readSuspended) {
            readSuspended = false;
            session.resumeRead();
        }
    }

    @Override
    public void setReadTimeout(long millis) {
        // idle in both directions: a long upload the backend reads without answering yet is not a timeout
        session.getConfig().setIdleTime(IdleStatus.BOTH_IDLE, millis <= 0 ? 0 : (int) Math.max(1, (millis + 999) / 1000));
    }

    @Override
    public boolean isReusable() {
        return reusable && session.isConnected() && !session.isClosing();
    }

    @Override
    public boolean isOpen() {
        return session.isConnected() && !session.isClosing();
    }

    @Override
    public boolean responseStarted() {
        return started;
    }

    @Override
    public void close() {
        out.discard();
        state = State.CLOSED;
        session.closeNow();
    }

    // ---- events from the I/O thread

    void received(ByteBuffer data) {
        HttpExchange o = owner;
        if (o == null) {
            if (state == State.UPGRADED || relay != null) {
                return;
            }
            session.closeNow(); // an idle pooled connection must not talk
            return;
        }
        SerialContext ctx = o.connection().ctx;
        if (ctx.tryEnter()) {
            try {
                onData(o, data);
            } finally {
                ctx.exit();
            }
        } else {
            ctx.execute(() -> onData(o, data));
        }
    }

    void sent() {
        HttpExchange o = owner;
        if (o == null) {
            return;
        }
        SerialContext ctx = o.connection().ctx;
        if (ctx.tryEnter()) {
            try {
                onSent();
            } finally {
                ctx.exit();
            }
        } else {
            ctx.execute(this::onSent);
        }
    }

    void idle(IdleStatus status) {
        HttpExchange o = owner;
        if (o != null && status == IdleStatus.BOTH_IDLE && (state == State.HEAD || state == State.LENGTH
                || state == State.CHUNKED || state == State.UNTIL_CLOSE)) {
            o.connection().ctx.execute(() -> {
                BackendListener l = listener;
                if (owner == o && l != null) {
                    l.onTimeout();
                }
            });
        }
    }

    void inputClosed() {
        HttpExchange o = owner;
        if (o != null && state == State.UPGRADED) {
            o.connection().ctx.execute(() -> {
                if (relay != null) {
                    relay.backendInputClosed();
                }
            });
            return;
        }
        session.closeNow();
    }

    void closed() {
        HttpExchange o = owner;
        if (o == null) {
            state = State.CLOSED;
            Runnable r = onCloseUnbound;
            if (r != null) {
                r.run();
            }
            return;
        }
        o.connection().ctx.execute(() -> onClosed(o));
    }

    // ---- in the owner's context

    private void onSent() {
        if (relay != null) {
            relay.backendDrained();
        } else {
            out.sent();
        }
    }

    private void onData(HttpExchange o, ByteBuffer in) {
        while (in.hasRemaining() && owner == o) {
            BackendListener l = listener;
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
                    int n = (int) Math.min(remaining, in.remaining());
                    ByteBuffer slice = in.slice();
                    slice.limit(n);
                    in.position(in.position() + n);
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.IDLE;
                        reusable = keepAlive && requestEnded;
                    }
                    l.onData(slice);
                    if (state == State.IDLE && owner == o) {
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
                    if (done && owner == o) {
                        state = State.IDLE;
                        reusable = keepAlive && requestEnded;
                        finish(l, in);
                    }
                }
                case UNTIL_CLOSE -> {
                    l.onData(in.slice());
                    in.position(in.limit());
                }
                case UPGRADED -> {
                    if (relay != null) {
                        relay.fromBackend(in.slice());
                    } else {
                        leftover = TunnelRelay.append(leftover, in);
                    }
                    in.position(in.limit());
                    return;
                }
                default -> {
                    session.closeNow(); // bytes where no response is expected
                    return;
                }
            }
        }
    }

    /** @return whether to go on reading the same buffer */
    private boolean onHead(BackendListener l, ResponseHead head, ByteBuffer in) {
        int status = head.status();
        if (status >= 100 && status < 200 && status != 101) {
            parser.reset();
            return true; // interim response: consumed here
        }
        HttpFields f = head.headers();
        String version = parser.version();
        keepAlive = version.equals("HTTP/1.1") ? !f.containsToken("Connection", "close")
                : f.containsToken("Connection", "keep-alive");
        if (status == 101) {
            state = State.UPGRADED;
            leftover = in.hasRemaining() ? in.slice() : null;
            in.position(in.limit());
            l.onResponseHead(head);
            return false;
        }
        if (headRequest || status == 204 || status == 304) {
            state = State.IDLE;
            reusable = keepAlive && requestEnded;
            l.onResponseHead(head);
            finish(l, in);
            return false;
        }
        if (f.contains("Transfer-Encoding")) {
            if (f.tokens("Transfer-Encoding").lastIndexOf("chunked") == f.tokens("Transfer-Encoding").size() - 1) {
                chunked = new ChunkedDecoder(64 * 1024, 502);
                state = State.CHUNKED;
            } else {
                state = State.UNTIL_CLOSE;
                keepAlive = false;
            }
            f.remove("Content-Length");
        } else if (f.contains("Content-Length")) {
            long cl = contentLength(f);
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
        if (state == State.LENGTH && remaining == 0 && owner != null) {
            state = State.IDLE;
            reusable = keepAlive && requestEnded;
            finish(l, in);
            return false;
        }
        return owner != null;
    }

    private void finish(BackendListener l, ByteBuffer in) {
        if (in.hasRemaining()) {
            reusable = false; // the backend sent more than the response
            in.position(in.limit());
        }
        l.onEnd();
    }

    private static long contentLength(HttpFields f) {
        long value = -1;
        for (String v : f.getAll("Content-Length")) {
            for (String part : v.split(",")) {
                String p = part.trim();
                if (p.isEmpty() || p.length() > 18 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    return -1;
                }
                long n = Long.parseLong(p);
                if (value >= 0 && n != value) {
                    return -1;
                }
                value = n;
            }
        }
        return value;
    }

    private void fail(BackendListener l, String reason) {
        state = State.CLOSED;
        session.closeNow();
        l.onError(new IOException(reason));
    }

    private void onClosed(HttpExchange o) {
        State was = state;
        state = State.CLOSED;
        if (relay != null) {
            relay.backendClosed();
            return;
        }
        BackendListener l = listener;
        if (owner != o || l == null) {
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

    // ---- tunnel support

    /** Takes the bytes that followed the 101 head (they belong to the tunnel). */
    ByteBuffer takeLeftover() {
        ByteBuffer b = leftover;
        leftover = null;
        return b;
    }

    void attachRelay(TunnelRelay r) {
        this.relay = r;
        this.state = State.UPGRADED;
    }
}
