package io.passerelle.core.internal.net;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.filterchain.IoFilter;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.AttributeKey;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The connector's handler: hands each backend session's events to its {@link BackendConnectionImpl}. */
final class BackendIoHandler extends IoHandlerAdapter {

    static final AttributeKey CONNECTION = new AttributeKey(BackendIoHandler.class, "connection");
    /** The TLS filter a backend session must start with, set before the session is created. */
    static final AttributeKey TLS = new AttributeKey(BackendIoHandler.class, "tls");
    private static final Logger LOG = LoggerFactory.getLogger(BackendIoHandler.class);

    private static BackendConnectionImpl of(IoSession session) {
        return (BackendConnectionImpl) session.getAttribute(CONNECTION);
    }

    @Override
    public void sessionCreated(IoSession session) {
        IoFilter tls = (IoFilter) session.removeAttribute(TLS);
        if (tls != null) {
            session.getFilterChain().addFirst("tls", tls);
        }
    }

    @Override
    public void messageReceived(IoSession session, Object message) {
        BackendConnectionImpl c = of(session);
        if (c != null) {
            c.received(((IoBuffer) message).buf());
        }
    }

    @Override
    public void messageSent(IoSession session, Object message) {
        BackendConnectionImpl c = of(session);
        if (c != null) {
            c.sent();
        }
    }

    @Override
    public void sessionIdle(IoSession session, IdleStatus status) {
        BackendConnectionImpl c = of(session);
        if (c != null) {
            c.idle(status);
        }
    }

    @Override
    public void inputClosed(IoSession session) {
        BackendConnectionImpl c = of(session);
        if (c != null) {
            c.inputClosed();
        } else {
            session.closeNow();
        }
    }

    @Override
    public void exceptionCaught(IoSession session, Throwable cause) {
        LOG.debug("Backend connection {}: {}", session.getId(), cause.toString());
        session.closeNow();
    }
}
