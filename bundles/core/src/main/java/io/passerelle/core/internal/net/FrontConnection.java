package io.passerelle.core.internal.net;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.IoSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.api.ClientInfo;
import io.passerelle.api.ResponseHead;
import io.passerelle.core.internal.http.ChunkedDecoder;
import io.passerelle.core.internal.http.FrontRequest;
import io.passerelle.core.internal.http.HeadWriter;
import io.passerelle.core.internal.http.HttpParseException;
import io.passerelle.core.internal.http.RequestHeadParser;

/**
 * The state of one client connection: reads request heads, hands each request to the dispatcher as an
 * {@link HttpExchange}, feeds its body while the handler wants it, keeps pipelined bytes until their turn,
 * enforces the head and keep-alive timeouts, and turns into a tunnel after a {@code 101}. Every method
 * runs in {@link #ctx}.
 */
final class FrontConnection {

    private static final Logger LOG = LoggerFactory.getLogger(FrontConnection.class);

    final IoSession session;
    final SerialContext ctx = new SerialContext();
    private final ListenerRuntime listener;
    private final ListenerSpec spec;
    private final ClientInfo client;
    private final RequestHeadParser parser;
    private ByteBuffer pending;
    private HttpExchange exchange;
    private TunnelRelay tunnel;
    private boolean readSuspended;
    private boolean closing;
    private boolean inputClosed;
    private boolean processing;
    private long deadline;
    private boolean headDeadline;

    FrontConnection(IoSession session, ListenerRuntime listener) {
        this.session = session;
        this.listener = listener;
        this.spec = listener.spec();
        this.client = new ClientInfo(session.getId(), (InetSocketAddress) session.getRemoteAddress(),
                (InetSocketAddress) session.getLocalAddress(), spec.tls(), spec.name());
        this.parser = new RequestHeadParser(spec.headerMaxBytes(), spec.headerMaxCount());
        arm(spec.headerTimeoutMillis(), true);
    }

    ListenerSpec spec() {
        return spec;
    }

    ClientInfo client() {
        return client;
    }

    NetworkCore core() {
        return listener.core();
    }

    int affinity() {
        return listener.core().affinity(session);
    }

    // ---- events, entering the context

    void received(ByteBuffer data) {
        if (ctx.tryEnter()) {
            try {
                onData(data);
            } finally {
                ctx.exit();
            }
        } else {
            ctx.execute(() -> onData(data));
        }
    }

    void sent() {
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

    // ---- in the context

    void onData(ByteBuffer in) {
        if (closing) {
            return;
        }
        if (tunnel != null) {
            tunnel.fromClient(in);
            return;
        }
        if (pending != null) {
            ByteBuffer joined = ByteBuffer.allocate(pending.remaining() + in.remaining());
            joined.put(pending).put(in).flip();
            pending = null;
            in = joined;
        }
        process(in);
    }

    private void process(ByteBuffer in) {
        processing = true;
        try {
            while (in.hasRemaining() && !closing) {
                if (tunnel != null) {
                    tunnel.fromClient(in.slice());
                    return;
                }
                if (exchange != null) {
                    RequestBody body = exchange.body();
                    if (!body.wantsData()) {
                        pending = in;
                        return;
                    }
                    if (!body.feed(in)) {
                        bodyFramingError();
                        return;
                    }
                    continue;
                }
                if (!parser.started()) {
                    arm(spec.headerTimeoutMillis(), true);
                }
                FrontRequest request;
                try {
                    if (!parser.parse(in)) {
                        checkDeadline();
                        return;
                    }
                    request = FrontRequest.of(parser);
                    if (request.bodyLength() < 0 && in.hasRemaining()) {
                        // chunk framing that arrived with the head is checked before anything goes to a backend
                        new ChunkedDecoder(spec.headerMaxBytes(), 400).decode(in.duplicate(), data -> { });
                    }
                } catch (HttpParseException e) {
                    reject(e);
                    return;
                }
                parser.reset();
                deadline = 0;
                exchange = new HttpExchange(this, request);
                listener.dispatcher().dispatch(exchange);
            }
        } finally {
            processing = false;
            updateRead();
        }
    }

    private void onSent() {
        if (tunnel != null) {
            tunnel.clientDrained();
        } else if (exchange != null) {
            exchange.writer().sent();
        }
    }

    void tick() {
        if (tunnel != null) {
            tunnel.tick();
        } else {
            checkDeadline();
        }
    }

    void inputClosed() {
        inputClosed = true;
        suspendRead();
        if (tunnel != null) {
            tunnel.clientInputClosed();
        } else if (exchange == null) {
            closing = true;
            session.closeNow();
        } else if (!exchange.body().ended()) {
            exchange.body().clientGone();
        }
    }

    void closed() {
        closing = true;
        if (tunnel != null) {
            tunnel.clientClosed();
        }
        if (exchange != null) {
            HttpExchange ex = exchange;
            exchange = null;
            ex.clientGone();
            listener.accessLog().log(ex, client);
        }
    }

    /** The handler started or resumed the request body. */
    void bodyReadable() {
        if (processing) {
            return;
        }
        if (pending != null) {
            ByteBuffer p = pending;
            pending = null;
            process(p);
        } else {
            updateRead();
        }
    }

    boolean hasPending() {
        return pending != null;
    }

    boolean acceptsMore() {
        return !inputClosed && !closing;
    }

    void writeRaw(ByteBuffer bytes) {
        session.write(IoBuffer.wrap(bytes));
    }

    /** The current exchange is over. */
    void exchangeDone(HttpExchange ex, boolean keepAlive) {
        if (exchange == ex) {
            exchange = null;
        }
        listener.accessLog().log(ex, client);
        if (!keepAlive || inputClosed || tunnel != null) {
            closing = true;
            suspendRead();
            session.closeOnFlush();
            return;
        }
        arm(spec.keepaliveTimeoutMillis(), false);
        if (!processing && pending != null) {
            ByteBuffer p = pending;
            pending = null;
            process(p);
        } else {
            updateRead();
        }
    }

    void startTunnel(TunnelRelay relay, ResponseHead head) {
        session.write(IoBuffer.wrap(HeadWriter.statusLineAndFields("HTTP/1.1", 101, head.reason(), head.headers())));
        tunnel = relay;
        deadline = 0;
        ByteBuffer p = pending;
        pending = null;
        relay.start(p);
    }

    void updateRead() {
        if (tunnel != null) {
            return;
        }
        boolean want;
        if (closing || inputClosed) {
            want = false;
        } else if (exchange != null) {
            want = pending == null && exchange.body().wantsData();
        } else {
            want = pending == null;
        }
        if (want) {
            resumeRead();
        } else if (closing || inputClosed || pending != null) {
            suspendRead();
        }
        // else reads stay on while the exchange runs: a read interest switched off and on again for every
        // request costs two epoll_ctl calls; what arrives meanwhile (a pipelined request, body bytes the
        // handler is not ready for) is kept as pending, and only then are reads suspended
    }

    void suspendRead() {
        if (!readSuspended) {
            readSuspended = true;
            session.suspendRead();
        }
    }

    void resumeRead() {
        if (readSuspended && !inputClosed) {
            readSuspended = false;
            session.resumeRead();
        }
    }

    private void arm(long millis, boolean forHead) {
        deadline = System.nanoTime() + millis * 1_000_000L;
        headDeadline = forHead;
    }

    private void checkDeadline() {
        if (deadline != 0 && exchange == null && System.nanoTime() - deadline > 0) {
            deadline = 0;
            if (headDeadline && parser.started()) {
                reject(new HttpParseException(408, "request head not complete within header.timeout"));
            } else {
                closing = true;
                session.closeNow();
            }
        }
    }

    private void reject(HttpParseException e) {
        LOG.debug("Connection {} from {}: {} ({})", session.getId(), client.remote(), e.status(), e.getMessage());
        closing = true;
        suspendRead();
        ByteBuffer page = ErrorResponses.page(e.status(), true, false);
        session.write(IoBuffer.wrap(page));
        session.closeOnFlush();
        listener.accessLog().logRejected(client, parser.method(), parser.target(), parser.version(), e.status(),
                ErrorResponses.bodyLength(e.status()));
    }

    private void bodyFramingError() {
        LOG.debug("Connection {}: framing error in the request body; closing", session.getId());
        closing = true;
        suspendRead();
        session.closeOnFlush();
    }
}
