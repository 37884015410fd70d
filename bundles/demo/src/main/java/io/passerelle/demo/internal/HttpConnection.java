package io.passerelle.demo.internal;

import java.nio.charset.StandardCharsets;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.IoSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.common.http.Reasons;

/**
 * State of one HTTP backend connection: parses requests, runs one {@link Exchange} at a time (pipelined
 * requests wait in a small stash with reading suspended), keeps the connection alive or closes it.
 */
final class HttpConnection implements HttpRequestParser.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(HttpConnection.class);

    private final IoSession session;
    private final HttpResources resources;
    private final HttpRequestParser parser = new HttpRequestParser();
    private final ReadThrottle throttle;
    private Exchange exchange;
    private ResponseWriter writer;
    private boolean requestDone;
    private boolean responseDone;
    private IoBuffer stash;
    private boolean inputClosed;
    private boolean closing;

    HttpConnection(IoSession session, HttpResources resources) {
        this.session = session;
        this.resources = resources;
        this.throttle = new ReadThrottle(session);
    }

    void received(IoBuffer in) {
        if (closing) {
            return;
        }
        if (stash != null) {
            stash = concat(stash, in);
        } else {
            process(in, false);
        }
        settle();
    }

    void sent() {
        if (closing) {
            return;
        }
        if (exchange != null && !responseDone) {
            exchange.resume();
        }
        settle();
    }

    void inputClosed() {
        // MINA reports EOF again on every select while reading is on: stop reading for good
        session.suspendRead();
        inputClosed = true;
        settle();
    }

    /** Whether no request is in progress (for the idle timeout). */
    boolean idle() {
        return exchange == null && stash == null && parser.idle();
    }

    @Override
    public void onHead(RequestHead head) {
        LOG.debug("session {}: {}", session.getId(), head.requestLine());
        requestDone = false;
        responseDone = false;
        writer = new ResponseWriter(session, head, this::responseFinished);
        exchange = resources.open(head, writer);
        exchange.start();
    }

    @Override
    public void onBody(IoBuffer piece) {
        exchange.requestBody(piece);
    }

    @Override
    public void onEnd() {
        requestDone = true;
        exchange.requestEnd();
        completeIfDone();
    }

    private void responseFinished() {
        responseDone = true;
        completeIfDone();
    }

    private void completeIfDone() {
        if (exchange != null && requestDone && responseDone) {
            if (writer.closeAfter()) {
                close(true);
            }
            exchange = null;
            writer = null;
        }
    }

    /** Parses until {@code in} is empty; bytes of a request that must wait for the current response are stashed. */
    private void process(IoBuffer in, boolean owned) {
        try {
            while (in.hasRemaining() && !closing) {
                if (exchange != null && requestDone) {
                    stash = owned ? in : concat(null, in);
                    return;
                }
                parser.parse(in, this);
            }
        } catch (HttpParseException e) {
            LOG.debug("session {}: bad request: {}", session.getId(), e.getMessage());
            if (writer != null && writer.headSent()) {
                close(false);
            } else {
                badRequest(e);
            }
        }
    }

    /** Runs at the end of every event: drains the stash when possible, applies backpressure, handles EOF. */
    private void settle() {
        if (!closing && exchange == null && stash != null) {
            IoBuffer pending = stash;
            stash = null;
            process(pending, true);
        }
        if (closing) {
            return;
        }
        if (inputClosed) {
            if (exchange == null && stash == null) {
                close(true);
            } else if (exchange != null && !requestDone) {
                close(false);
            }
        }
        throttle.update(stash != null || inputClosed);
    }

    private void badRequest(HttpParseException e) {
        String body = e.status() + " " + Reasons.of(e.status()) + "\n";
        String response = "HTTP/1.1 " + e.status() + " " + Reasons.of(e.status()) + "\r\n"
                + "X-Demo-Backend: http\r\n"
                + "X-Demo-Connection: " + session.getId() + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length() + "\r\n"
                + "Connection: close\r\n\r\n" + body;
        session.write(IoBuffer.wrap(response.getBytes(StandardCharsets.ISO_8859_1)));
        close(true);
    }

    private void close(boolean flush) {
        closing = true;
        stash = null;
        if (flush) {
            session.closeOnFlush();
        } else {
            session.closeNow();
        }
    }

    private static IoBuffer concat(IoBuffer head, IoBuffer tail) {
        int size = (head == null ? 0 : head.remaining()) + tail.remaining();
        IoBuffer out = IoBuffer.allocate(size);
        if (head != null) {
            out.put(head);
        }
        return out.put(tail).flip();
    }
}
