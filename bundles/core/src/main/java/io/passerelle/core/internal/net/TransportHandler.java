package io.passerelle.core.internal.net;

import java.util.function.Consumer;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.filterchain.IoFilter;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.AttributeKey;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one MINA handler of every session, accepted or connected: hands each event to the session's
 * {@link Connection}. It holds no per-connection state (STYLE: the state lives in one object under one key).
 */
public final class TransportHandler extends IoHandlerAdapter {

    /** The TLS filter a connected session must start with, set before the session is created. */
    static final AttributeKey TLS = new AttributeKey(TransportHandler.class, "tls");
    private static final Logger LOG = LoggerFactory.getLogger(TransportHandler.class);

    private final Consumer<IoSession> accept;
    private final FailureListener failures;

    /** Failures of a session that the transport reports (a TLS handshake that failed, say). */
    @FunctionalInterface
    public interface FailureListener {
        void failed(Connection connection, Throwable cause);
    }

    /**
     * @param accept   makes the {@link Connection} of an accepted session (null for the connector, whose sessions
     *                 get theirs when they are opened)
     * @param failures told of exceptions on a session before it is closed
     */
    public TransportHandler(Consumer<IoSession> accept, FailureListener failures) {
        this.accept = accept;
        this.failures = failures;
    }

    @Override
    public void sessionCreated(IoSession session) {
        IoFilter tls = (IoFilter) session.removeAttribute(TLS);
        if (tls != null) {
            session.getFilterChain().addFirst("tls", tls);
        }
        if (accept != null) {
            accept.accept(session);
        }
    }

    @Override
    public void messageReceived(IoSession session, Object message) {
        Connection c = Connection.of(session);
        if (c != null) {
            c.received(((IoBuffer) message).buf());
        }
    }

    @Override
    public void messageSent(IoSession session, Object message) {
        Connection c = Connection.of(session);
        if (c != null) {
            c.sent();
        }
    }

    @Override
    public void sessionIdle(IoSession session, IdleStatus status) {
        Connection c = Connection.of(session);
        if (c != null) {
            c.idle();
        }
    }

    @Override
    public void inputClosed(IoSession session) {
        Connection c = Connection.of(session);
        if (c != null) {
            c.inputEnded();
        } else {
            session.closeNow();
        }
    }

    @Override
    public void exceptionCaught(IoSession session, Throwable cause) {
        Connection c = Connection.of(session);
        if (c != null && failures != null) {
            failures.failed(c, cause);
        } else {
            LOG.debug("Connection {}: {}", session.getId(), cause.toString());
        }
        session.closeNow();
    }
}
