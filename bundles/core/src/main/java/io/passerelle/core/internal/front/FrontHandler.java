package io.passerelle.core.internal.front;

import java.nio.ByteBuffer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.api.ClientInfo;
import io.passerelle.api.ResponseHead;
import io.passerelle.core.internal.http.ChunkedDecoder;
import io.passerelle.core.internal.http.FrontRequest;
import io.passerelle.core.internal.http.HeadWriter;
import io.passerelle.core.internal.http.HttpParseException;
import io.passerelle.core.internal.http.RequestHeadParser;
import io.passerelle.core.internal.net.Connection;
import io.passerelle.core.internal.net.Protocol;

/**
 * The HTTP/1.1 server side of a client connection: reads request heads, hands each request to the dispatcher
 * as an {@link HttpExchange}, feeds its body while the handler wants it, keeps pipelined bytes until their
 * turn, enforces the head and keep-alive timeouts, and hands the connection over to a tunnel after a
 * {@code 101}. Runs in the connection's context.
 * <p>
 * Reading is driven from here only: when a handler starts or resumes a body, or a response ends, the bytes
 * kept meanwhile are read again in a task of their own ({@link #readPending()}), never from inside the
 * handler's call.
 */
final class FrontHandler implements Protocol {

    private static final Logger LOG = LoggerFactory.getLogger(FrontHandler.class);

    private final Connection conn;
    private final FrontEnd front;
    private final FrontEnd.Limits limits;
    private final ClientInfo client;
    /** Null once the connection is handed over to a tunnel: an idle tunnel keeps no parser. */
    private RequestHeadParser parser;
    private ByteBuffer pending;
    private HttpExchange exchange;
    private boolean closing;
    private boolean inputClosed;
    private boolean handedOver;
    /** The proxy is stopping: the exchange under way finishes, then the connection closes. */
    private boolean draining;
    private long deadline;
    private boolean headDeadline;

    FrontHandler(Connection conn, FrontEnd front) {
        this.conn = conn;
        this.front = front;
        this.limits = front.limits();
        this.client = new ClientInfo(conn.id(), conn.remote(), conn.local(), front.tls(), front.listener());
        this.parser = new RequestHeadParser(limits.headerMaxBytes(), limits.headerMaxCount());
        arm(limits.headerTimeoutMillis(), true);
    }

    ClientInfo client() {
        return client;
    }

    Connection connection() {
        return conn;
    }

    FrontEnd front() {
        return front;
    }

    int headerMaxBytes() {
        return limits.headerMaxBytes();
    }

    /** The exchange in progress, or null. */
    HttpExchange exchange() {
        return exchange;
    }

    // ---- the connection's events

    @Override
    public void onData(ByteBuffer in) {
        if (closing) {
            return;
        }
        if (pending != null) {
            ByteBuffer joined = ByteBuffer.allocate(pending.remaining() + in.remaining());
            joined.put(pending).put(in).flip();
            pending = null;
            in = joined;
        }
        read(in);
    }

    /** Reads requests (and the body of the current one) from {@code in}; keeps what it is not ready for. */
    private void read(ByteBuffer in) {
        while (in.hasRemaining() && !closing && !handedOver) {
            if (exchange != null) {
                RequestBody body = exchange.body();
                if (!body.wantsData()) {
                    pending = in;
                    break;
                }
                if (!body.feed(in)) {
                    bodyFramingError();
                    return;
                }
                continue;
            }
            if (!parser.started()) {
                arm(limits.headerTimeoutMillis(), true);
            }
            FrontRequest request;
            try {
                if (!parser.parse(in)) {
                    checkDeadline();
                    break;
                }
                request = FrontRequest.of(parser);
                if (request.bodyLength() < 0 && in.hasRemaining()) {
                    // chunk framing that arrived with the head is checked before anything goes to a backend
                    new ChunkedDecoder(limits.headerMaxBytes(), 400).decode(in.duplicate(), data -> { });
                }
            } catch (HttpParseException e) {
                reject(e);
                return;
            }
            parser.reset();
            deadline = 0;
            exchange = new HttpExchange(this, request);
            front.dispatcher().dispatch(exchange);
        }
        if (!handedOver) {
            updateRead();
        }
    }

    @Override
    public void onIdle() {
        checkDeadline();
    }

    @Override
    public void onInputClosed() {
        inputClosed = true;
        if (exchange == null) {
            // between requests, the last response may still be queued (its exchange ends once the response is
            // handed to the connection, before the I/O thread writes it): it goes out before the FIN
            closing = true;
            conn.closeWhenFlushed();
        } else if (!exchange.body().ended()) {
            exchange.body().clientGone();
        }
    }

    @Override
    public void onClosed() {
        closing = true;
        front.connections().remove(this);
        if (exchange != null) {
            HttpExchange ex = exchange;
            exchange = null;
            ex.clientGone();
        }
    }

    // ---- what the exchange asks of its connection

    /** The handler wants (more of) the body: read what was kept, after the handler's call returns. */
    void bodyWanted() {
        readPending();
    }

    private void readPending() {
        conn.context().execute(() -> {
            if (closing || handedOver) {
                return;
            }
            if (pending != null) {
                ByteBuffer p = pending;
                pending = null;
                read(p);
            } else {
                updateRead();
            }
        });
    }

    boolean hasPending() {
        return pending != null;
    }

    boolean acceptsMore() {
        return !inputClosed && !closing && !draining;
    }

    /**
     * The listener stops (SPEC §4.9): a connection between requests closes now; one with an exchange under way
     * closes once it is over (its response says {@code Connection: close} unless already sent). Runs in the
     * connection's context.
     */
    void drain() {
        if (closing || handedOver) {
            return;
        }
        draining = true;
        if (exchange == null) {
            closing = true;
            conn.closeWhenFlushed(); // the last response first (see onInputClosed); the stop's deadline closes it anyway
        }
    }

    /** The current exchange is over: the connection goes on with the next request, or closes. */
    void exchangeDone(HttpExchange ex, boolean keepAlive) {
        if (exchange == ex) {
            exchange = null;
        }
        if (handedOver) {
            return;
        }
        if (!keepAlive || inputClosed || draining) {
            closing = true;
            conn.suspendRead();
            conn.closeWhenFlushed();
            return;
        }
        arm(limits.keepaliveTimeoutMillis(), false);
        if (pending != null) {
            readPending();
        } else {
            updateRead();
        }
    }

    /**
     * Relays the {@code 101} and lets go of the connection: from now on it belongs to a tunnel.
     *
     * @return what the client sent after its upgrade request (the tunnel's first bytes), or null
     */
    ByteBuffer handOver(ResponseHead head) {
        conn.write(HeadWriter.statusLineAndFields("HTTP/1.1", 101, head.reason(), head.headers()));
        handedOver = true;
        parser = null;
        deadline = 0;
        front.connections().remove(this);
        ByteBuffer p = pending;
        pending = null;
        return p;
    }

    /** Reads on while nothing is kept back; stops reading only when bytes arrive that nobody is ready for. */
    void updateRead() {
        boolean want;
        if (closing || inputClosed) {
            want = false;
        } else if (exchange != null) {
            want = pending == null && exchange.body().wantsData();
        } else {
            want = pending == null;
        }
        if (want) {
            conn.resumeRead();
        } else if (closing || inputClosed || pending != null) {
            conn.suspendRead();
        }
        // else reads stay on while the exchange runs: a read interest switched off and on again for every
        // request costs two epoll_ctl calls; what arrives meanwhile (a pipelined request, body bytes the
        // handler is not ready for) is kept as pending, and only then are reads suspended
    }

    // ---- timeouts and rejections

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
                conn.close();
            }
        }
    }

    private void reject(HttpParseException e) {
        LOG.debug("Connection {} from {}: {} ({})", conn.id(), client.remote(), e.status(), e.getMessage());
        closing = true;
        conn.suspendRead();
        conn.write(ErrorResponses.page(e.status(), true, false));
        conn.closeWhenFlushed();
        front.accessLog().logRejected(client, parser.method(), parser.target(), parser.version(), e.status(),
                ErrorResponses.bodyLength(e.status()));
    }

    private void bodyFramingError() {
        LOG.debug("Connection {}: framing error in the request body; closing", conn.id());
        closing = true;
        conn.suspendRead();
        conn.closeWhenFlushed();
    }
}
