package io.passerelle.demo.internal;

import java.io.IOException;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.AttributeKey;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** MINA glue of the HTTP backend: one {@link HttpConnection} per session, events passed on to it. */
final class HttpBackendHandler extends IoHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(HttpBackendHandler.class);
    private static final AttributeKey CONNECTION = new AttributeKey(HttpBackendHandler.class, "connection");
    private static final int IDLE_SECONDS = 300;

    private final HttpResources resources;

    HttpBackendHandler(HttpResources resources) {
        this.resources = resources;
    }

    @Override
    public void sessionCreated(IoSession session) {
        session.getConfig().setIdleTime(IdleStatus.BOTH_IDLE, IDLE_SECONDS);
        session.setAttribute(CONNECTION, new HttpConnection(session, resources));
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
    public void inputClosed(IoSession session) {
        connection(session).inputClosed();
    }

    @Override
    public void sessionIdle(IoSession session, IdleStatus status) {
        if (connection(session).idle()) {
            session.closeNow();
        }
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

    private static HttpConnection connection(IoSession session) {
        return (HttpConnection) session.getAttribute(CONNECTION);
    }
}
