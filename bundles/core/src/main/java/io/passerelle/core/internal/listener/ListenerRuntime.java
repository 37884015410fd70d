package io.passerelle.core.internal.listener;

import org.apache.mina.core.session.IoSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.core.internal.front.FrontEnd;
import io.passerelle.core.internal.net.Listening;
import io.passerelle.core.internal.net.NetworkCore;

/** One bound socket of a listener: accepts connections and hands them to its HTTP/1.1 front end. */
final class ListenerRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(ListenerRuntime.class);

    private final FrontEnd front;
    private volatile ListenerSpec spec;
    private volatile Listening socket;

    ListenerRuntime(ListenerSpec spec, FrontEnd front) {
        this.spec = spec;
        this.front = front;
    }

    /** An accepted session (on its I/O thread): over max.connections it is closed at once. */
    void accept(IoSession session) {
        ListenerSpec s = spec;
        if (session.getService().getManagedSessionCount() > s.maxConnections()) {
            LOG.debug("Listener {}: max.connections reached, closing {}", s.name(), session.getRemoteAddress());
            session.closeNow();
            return;
        }
        NetworkCore.idleSeconds(session, 1); // the front end's head and keep-alive deadlines tick once a second
        front.open(NetworkCore.accepted(session, null));
    }

    String name() {
        return spec.name();
    }

    ListenerSpec spec() {
        return spec;
    }

    /** Keys that need no new socket changed: new limits for new connections. */
    void spec(ListenerSpec s) {
        this.spec = s;
        front.limits(s.limits());
    }

    void socket(Listening l) {
        this.socket = l;
    }

    Listening socket() {
        return socket;
    }
}
