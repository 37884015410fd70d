package io.passerelle.demo.internal;

import java.io.IOException;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.AttributeKey;
import org.apache.mina.core.session.IoSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** MINA glue of the WebSocket echo backend: one {@link WsConnection} per session. */
final class WsBackendHandler extends IoHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(WsBackendHandler.class);
    private static final AttributeKey CONNECTION = new AttributeKey(WsBackendHandler.class, "connection");

    @Override
    public void sessionCreated(IoSession session) {
        session.setAttribute(CONNECTION, new WsConnection(session));
    }

    @Override
    public void messageReceived(IoSession session, Object message) {
        connection(session).received((IoBuffer) message);
    }

    @Override
    public void messageSent(IoSession session, Object message) {
        connection(session).sent();
    }

    @Override
    public void exceptionCaught(IoSession session, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("session {}: {}", session.getId(), cause.toString());
        } else {
            LOG.warn("session {}: closing after an unexpected error", session.getId(), cause);
        }
        session.closeNow();
    }

    private static WsConnection connection(IoSession session) {
        return (WsConnection) session.getAttribute(CONNECTION);
    }
}
