package io.passerelle.demo.internal;

/** The demo bundle's backends on ephemeral loopback ports, as real peers for these tests. */
public final class DemoEcho implements AutoCloseable {

    private final DemoServers servers = DemoServers.start(new DemoSettings("127.0.0.1", 0, 0));

    public int wsPort() {
        return servers.wsPort();
    }

    public int httpPort() {
        return servers.httpPort();
    }

    @Override
    public void close() {
        servers.close();
    }
}
