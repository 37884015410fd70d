package io.passerelle.core.internal.net;

import java.io.IOException;

/** The outcome of {@link NetworkCore#connect}, told in the context the connection was opened for. */
public interface ConnectListener {

    /** Connected (and, for TLS, the handshake started); set the connection's protocol now. */
    void connected(Connection connection);

    /**
     * @param timedOut true when the connect timeout elapsed, false when refused, unresolvable or failed
     */
    void failed(IOException cause, boolean timedOut);
}
