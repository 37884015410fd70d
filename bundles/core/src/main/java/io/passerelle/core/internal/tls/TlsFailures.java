package io.passerelle.core.internal.tls;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.core.internal.net.Connection;
import io.passerelle.core.internal.net.TransportHandler;

/**
 * What a failure on a backend connection is worth saying: a failed TLS handshake is one WARN line per backend
 * and reason per minute (the exchange gets its 502 each time), instead of the stack trace MINA's SslHandler
 * would log for every failed handshake (its logger is quiet in the distribution for that reason); anything else
 * is DEBUG.
 */
public final class TlsFailures implements TransportHandler.FailureListener {

    private static final Logger LOG = LoggerFactory.getLogger(TlsFailures.class);
    private static final long WARN_INTERVAL_NANOS = 60_000_000_000L;

    private final Map<String, Long> warned = new ConcurrentHashMap<>();

    @Override
    public void failed(Connection connection, Throwable cause) {
        SSLException tls = tlsFailure(cause);
        if (tls == null) {
            LOG.debug("Backend {}: {}", connection, cause.toString());
            return;
        }
        String backend = connection.peer();
        String reason = tls.getMessage();
        String key = backend + "|" + reason;
        long now = System.nanoTime();
        Long last = warned.get(key);
        if (last == null || now - last > WARN_INTERVAL_NANOS) {
            if (warned.size() > 1000) {
                warned.clear();
            }
            warned.put(key, now);
            LOG.warn("TLS with backend {} failed: {} (answering 502; this line at most once a minute)", backend,
                    reason);
        } else {
            LOG.debug("TLS with backend {} failed: {}", backend, reason);
        }
    }

    private static SSLException tlsFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SSLException e) {
                return e;
            }
        }
        return null;
    }
}
