package io.passerelle.api;

import org.osgi.annotation.versioning.ConsumerType;

/** The outcome of {@link BackendConnector#connect}. */
@ConsumerType
public interface ConnectHandler {

    void connected(BackendConnection connection);

    /**
     * The connection could not be made.
     *
     * @param timedOut true when the connect timeout elapsed, false when refused, unresolvable or failed
     */
    void failed(Exception cause, boolean timedOut);
}
