package io.passerelle.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Opens backend connections on the core's I/O processors. Name resolution happens off the I/O threads;
 * the handler's callbacks arrive in the exchange's context.
 */
@ProviderType
public interface BackendConnector {

    /** Connects to {@code host:port}, calling {@code handler} when connected or when it failed. */
    void connect(String host, int port, ConnectOptions options, ConnectHandler handler);
}
