package io.passerelle.core.internal.net;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.mina.core.service.IoProcessor;
import org.apache.mina.transport.socket.nio.NioSession;
import org.apache.mina.transport.socket.nio.NioSocketConnector;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Owns the threads of the network path: one MINA I/O processor pool shared by every listener and by the
 * backend connector, the connector, a timer, and a small pool for blocking name lookups. Everything is
 * disposed on deactivation, so a refresh of the bundle leaks no thread.
 */
@Component(service = NetworkCore.class)
public final class NetworkCore {

    private final ProcessorPool processors;
    private final NioSocketConnector connector;
    private final ScheduledThreadPoolExecutor timer;
    private final ExecutorService resolver;
    private final TlsContexts tls = new TlsContexts();
    private final java.util.Set<TunnelRelay> tunnels = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Activate
    public NetworkCore() {
        int n = Integer.getInteger("passerelle.io.threads", Runtime.getRuntime().availableProcessors());
        processors = new ProcessorPool(Math.max(1, n));
        connector = new NioSocketConnector(processors);
        connector.getSessionConfig().setTcpNoDelay(true);
        withoutServiceStatistics(connector);
        connector.setHandler(new BackendIoHandler());
        timer = new ScheduledThreadPoolExecutor(1, threads("passerelle-timer"));
        timer.setRemoveOnCancelPolicy(true);
        resolver = Executors.newCachedThreadPool(threads("passerelle-resolver"));
    }

    /**
     * Switches off MINA's per-service byte and message counters: every read and write of every session updates
     * them under one lock shared by all I/O threads (contended at a few thousand requests per second), and
     * nothing here reads them. Per-session counters, which the watermarks use, are not affected.
     */
    static void withoutServiceStatistics(org.apache.mina.core.service.AbstractIoService service) {
        service.getStatistics().getConfig().setStatisticsCalcEnabled(false);
    }

    public IoProcessor<NioSession> processors() {
        return processors;
    }

    /** The I/O processor index of a session (backend sessions opened for it get the same one). */
    int affinity(org.apache.mina.core.session.IoSession session) {
        return processors.affinity(session);
    }

    public NioSocketConnector connector() {
        return connector;
    }

    public ScheduledThreadPoolExecutor timer() {
        return timer;
    }

    public ExecutorService resolver() {
        return resolver;
    }

    TlsContexts tls() {
        return tls;
    }

    /** The open tunnels (added and removed by their relays). */
    java.util.Set<TunnelRelay> tunnels() {
        return tunnels;
    }

    public java.util.List<io.passerelle.api.ProxyStatus.TunnelView> tunnelViews() {
        long now = System.currentTimeMillis();
        return tunnels.stream().sorted(java.util.Comparator.comparingLong(TunnelRelay::openedAt))
                .map(t -> t.view(now)).toList();
    }

    @Deactivate
    public void deactivate() throws InterruptedException {
        connector.dispose(false);
        processors.dispose();
        timer.shutdownNow();
        resolver.shutdownNow();
        timer.awaitTermination(5, TimeUnit.SECONDS);
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
