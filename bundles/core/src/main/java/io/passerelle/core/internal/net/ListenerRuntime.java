package io.passerelle.core.internal.net;

/** What the connections of one listener share: its current spec and the services they use. */
final class ListenerRuntime {

    private final String name;
    private final NetworkCore core;
    private final Dispatcher dispatcher;
    private final AccessLog accessLog;
    private volatile ListenerSpec spec;
    private volatile org.apache.mina.core.service.IoAcceptor acceptor;

    ListenerRuntime(String name, ListenerSpec spec, NetworkCore core, Dispatcher dispatcher, AccessLog accessLog) {
        this.name = name;
        this.spec = spec;
        this.core = core;
        this.dispatcher = dispatcher;
        this.accessLog = accessLog;
    }

    String name() {
        return name;
    }

    ListenerSpec spec() {
        return spec;
    }

    void spec(ListenerSpec s) {
        this.spec = s;
    }

    void acceptor(org.apache.mina.core.service.IoAcceptor a) {
        this.acceptor = a;
    }

    org.apache.mina.core.service.IoAcceptor acceptor() {
        return acceptor;
    }

    NetworkCore core() {
        return core;
    }

    Dispatcher dispatcher() {
        return dispatcher;
    }

    AccessLog accessLog() {
        return accessLog;
    }
}
