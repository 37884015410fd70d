package io.passerelle.core.internal.front;

import java.nio.ByteBuffer;

import io.passerelle.api.HttpFields;
import io.passerelle.api.ResponseHead;
import io.passerelle.api.ResponseSink;
import io.passerelle.core.internal.http.HeadWriter;
import io.passerelle.core.internal.http.MessageWriter;
import io.passerelle.core.internal.net.Connection;

/** Frames the response of one exchange onto the client connection (HTTP/1.1 front end). */
final class ResponseWriter implements ResponseSink {

    private enum Mode { NONE, LENGTH, CHUNKED, UNTIL_CLOSE }

    private final HttpExchange exchange;
    private final Connection conn;
    /** Made with the head: an exchange that becomes a tunnel never has one. */
    private MessageWriter out;
    private boolean committed;
    private boolean ended;
    private Mode mode;
    private int status;
    private long bodyBytes;
    private boolean closeAfter;

    ResponseWriter(HttpExchange exchange, Connection conn) {
        this.exchange = exchange;
        this.conn = conn;
    }

    @Override
    public void head(ResponseHead head) {
        if (committed) {
            throw new IllegalStateException("response head already sent");
        }
        committed = true;
        status = head.status();
        out = new MessageWriter(conn::write);
        HttpFields f = head.headers();
        boolean http10 = exchange.request().version().equals("HTTP/1.0");
        if (exchange.request().isHead() || status < 200 || status == 204 || status == 304) {
            mode = Mode.NONE;
        } else if (f.contains("Content-Length") && !f.contains("Transfer-Encoding")) {
            mode = Mode.LENGTH;
        } else if (!http10) {
            f.remove("Content-Length");
            f.set("Transfer-Encoding", "chunked");
            mode = Mode.CHUNKED;
        } else {
            f.remove("Transfer-Encoding");
            mode = Mode.UNTIL_CLOSE;
            closeAfter = true;
        }
        f.remove("Connection");
        // an Upgrade field the handler sends (426, a protocol offer) is named in Connection, as it must be
        String upgrade = f.contains("Upgrade") ? "Upgrade" : null;
        if (!exchange.keepAliveCandidate() || closeAfter) {
            closeAfter = true;
            f.add("Connection", upgrade == null ? "close" : upgrade + ", close");
        } else if (http10) {
            f.add("Connection", upgrade == null ? "keep-alive" : upgrade + ", keep-alive");
        } else if (upgrade != null) {
            f.add("Connection", upgrade);
        }
        // held until the first body bytes or the end, to go out in the same write
        out.head(HeadWriter.statusLineAndFields("HTTP/1.1", status, head.reason(), f), mode == Mode.CHUNKED);
    }

    @Override
    public boolean write(ByteBuffer data) {
        if (!committed || ended) {
            throw new IllegalStateException("write outside of a response body");
        }
        if (mode != Mode.NONE) {
            bodyBytes += data.remaining();
            out.data(data);
        }
        return conn.writable();
    }

    @Override
    public void onDrain(Runnable task) {
        conn.whenDrained(task);
    }

    @Override
    public void end() {
        if (ended) {
            return;
        }
        if (!committed) {
            throw new IllegalStateException("end before head");
        }
        ended = true;
        out.end();
        exchange.finish(!closeAfter);
    }

    @Override
    public void error(int status) {
        if (committed) {
            abort();
            return;
        }
        committed = true;
        ended = true;
        this.status = status;
        // a body not read to its end is not drained: the connection closes after this answer (see
        // FrontHandler.exchangeDone), and the answer says so
        closeAfter = !exchange.keepAliveCandidate() || !exchange.body().ended();
        boolean head = exchange.request().isHead();
        bodyBytes = head ? 0 : ErrorResponses.bodyLength(status);
        conn.write(ErrorResponses.page(status, closeAfter, head));
        exchange.finish(!closeAfter);
    }

    /** A direct answer made by a hook (redirect, 403, 410): the head as given, no body. */
    void direct(ResponseHead head) {
        head.headers().set("Content-Length", "0");
        head(head);
        end();
    }

    @Override
    public void abort() {
        if (out != null) {
            out.discard();
        }
        ended = true;
        closeAfter = true;
        conn.close();
        exchange.finish(false);
    }

    @Override
    public boolean isCommitted() {
        return committed;
    }

    int status() {
        return status;
    }

    long bodyBytes() {
        return bodyBytes;
    }
}
