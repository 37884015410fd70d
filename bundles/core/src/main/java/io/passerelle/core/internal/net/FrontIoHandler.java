package io.passerelle.core.internal.net;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.AttributeKey;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A listener's handler: hands each client session's events to its {@link FrontConnection}. */
final class FrontIoHandler extends IoHandlerAdapter {

    private static final AttributeKey CONNECTION = new AttributeKey(FrontIoHandler.class, "connection");
    private static final Logger LOG = LoggerFactory.getLogger(FrontIoHandler.class);

    private final ListenerRuntime listener;

    FrontIoHandler(ListenerRuntime listener) {
        this.listener = listener;
    }

    private static FrontConnection of(IoSession session) {
        return (FrontConnection) session.getAttribute(CONNECTION);
    }

    @Override
    public void sessionCreated(IoSession session) {
        if (session.getService().getManagedSessionCount() > listener.spec().maxConnections()) {
            LOG.debug("Listener {}: max.connections reached, closing {}", listener.name(), session.getRemoteAddress());
            session.closeNow();
            return;
        }
        session.getConfig().setIdleTime(IdleStatus.BOTH_IDLE, 1);
        FrontConnection c = new FrontConnection(session, listener);
        session.setAttribute(CONNECTION, c);
        // the close future, not sessionClosed: MINA 2.2's SslFilter can fail before passing sessionClosed on
        session.getCloseFuture().addListener(f -> c.ctx.execute(c::closed));
    }

    @Override
    public void messageReceived(IoSession session, Object message) {
        FrontConnection c = of(session);
        if (c != null) {
            c.received(((IoBuffer) message).buf());
        }
    }

    @Override
    public void messageSent(IoSession session, Object message) {
        FrontConnection c = of(session);
        if (c != null) {
            c.sent();
        }
    }

    @Override
    public void sessionIdle(IoSession session, IdleStatus status) {
        FrontConnection c = of(session);
        if (c != null) {
            c.ctx.execute(c::tick);
        }
    }

    @Override
    public void inputClosed(IoSession session) {
        FrontConnection c = of(session);
        if (c != null) {
            c.ctx.execute(c::inputClosed);
        } else {
            session.closeNow();
        }
    }

    @Override
    public void exceptionCaught(IoSession session, Throwable cause) {
        LOG.debug("Client connection {}: {}", session.getId(), cause.toString());
        session.closeNow();
    }
}
