package io.passerelle.core.internal.net;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLException;

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
    private static final long TLS_WARN_INTERVAL_NANOS = 60_000_000_000L;

    private final Map<String, Long> tlsWarned = new ConcurrentHashMap<>();

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
        SSLException tls = tlsFailure(cause);
        if (tls != null) {
            BackendConnectionImpl c = of(session);
            warnTls(c != null ? c.key() : String.valueOf(session.getRemoteAddress()), tls);
        } else {
            LOG.debug("Backend connection {}: {}", session.getId(), cause.toString());
        }
        session.closeNow();
    }

    private static SSLException tlsFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SSLException e) {
                return e;
            }
        }
        return null;
    }

    /**
     * One WARN line per backend and reason per minute (the exchange gets its 502 each time), instead of the
     * stack trace MINA's SslHandler would log for every failed handshake (its logger is quiet in the
     * distribution for that reason).
     */
    private void warnTls(String backend, SSLException e) {
        String reason = e.getMessage();
        String key = backend + "|" + reason;
        long now = System.nanoTime();
        Long last = tlsWarned.get(key);
        if (last == null || now - last > TLS_WARN_INTERVAL_NANOS) {
            if (tlsWarned.size() > 1000) {
                tlsWarned.clear();
            }
            tlsWarned.put(key, now);
            LOG.warn("TLS with backend {} failed: {} (answering 502; this line at most once a minute)", backend,
                    reason);
        } else {
            LOG.debug("TLS with backend {} failed: {}", backend, reason);
        }
    }
}
