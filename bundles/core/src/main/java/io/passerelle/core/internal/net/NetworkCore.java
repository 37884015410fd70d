package io.passerelle.core.internal.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import javax.net.ssl.SSLContext;

import org.apache.mina.core.filterchain.IoFilter;
import org.apache.mina.core.future.ConnectFuture;
import org.apache.mina.core.service.AbstractIoService;
import org.apache.mina.core.service.IoProcessor;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.core.session.IoSessionInitializer;
import org.apache.mina.transport.socket.nio.NioSession;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.apache.mina.transport.socket.nio.NioSocketConnector;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.common.config.Config;
import io.passerelle.common.config.ConfigException;
import io.passerelle.common.config.InForce;

import io.passerelle.core.internal.tls.BackendTlsFilter;
import io.passerelle.core.internal.tls.TlsContexts;
import io.passerelle.core.internal.tls.TlsFailures;

/**
 * Owns the threads of the network path and makes the connections: one MINA I/O processor pool shared by every
 * listener and by the backend connector, the connector, a timer, and a small pool for blocking work (name
 * lookups, trust store files) that never runs on an I/O thread. Everything is disposed on deactivation, so a
 * refresh of the bundle leaks no thread.
 */
@Component(service = NetworkCore.class, configurationPid = NetworkCore.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = CoreConfig.class)
public final class NetworkCore {

    public static final String PID = "io.passerelle.core";
    private static final Logger LOG = LoggerFactory.getLogger(NetworkCore.class);
    /** Every session's attribute map (see {@link SessionData}). */
    private static final SessionData SESSION_DATA = new SessionData();

    private static final Protocol NOT_YET = new Protocol() {
        @Override
        public void onData(ByteBuffer data) {
            throw new IllegalStateException("a backend spoke before its connection was handed over");
        }

        @Override
        public void onInputClosed() {
        }

        @Override
        public void onClosed() {
        }
    };

    private final ProcessorPool processors;
    private final NioSocketConnector connector;
    private final ScheduledThreadPoolExecutor timer;
    private final ExecutorService blocking;
    private final TlsContexts tls = new TlsContexts();
    private final TlsFailures tlsFailures = new TlsFailures();

    private final int ioThreads;
    private volatile long shutdownTimeoutMillis = 30_000;
    /** When the framework began to stop (System.nanoTime() + shutdown.timeout then), or 0 while it runs. */
    private volatile long stopDeadline;
    /** An update equal to the configuration in force is a no-op (SPEC §8). */
    private final InForce inForce = new InForce();

    /** A core with the default configuration (tests and harnesses). */
    public NetworkCore() {
        this(Config.defaults(CoreConfig.class), Map.of());
    }

    @Activate
    public NetworkCore(CoreConfig config, Map<String, Object> props) {
        Config c = Config.of(config, PID, props);
        int n = 0;
        try {
            n = c.integer("io.threads", 0, 1024);
            shutdownTimeoutMillis = c.duration("shutdown.timeout");
            inForce.unchanged(c, LOG);
            inForce.taken();
        } catch (ConfigException e) {
            LOG.error(e.describe(c.origin()) + "; starting with the defaults");
        }
        ioThreads = n == 0 ? Runtime.getRuntime().availableProcessors() : n;
        processors = new ProcessorPool(ioThreads);
        connector = new NioSocketConnector(processors);
        connector.getSessionConfig().setTcpNoDelay(true);
        connector.setSessionDataStructureFactory(SESSION_DATA);
        withoutServiceStatistics(connector);
        connector.setHandler(new TransportHandler(null, tlsFailures));
        try {
            processors.start(connector);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the I/O threads: " + e.getMessage(), e);
        }
        timer = new ScheduledThreadPoolExecutor(1, threads("passerelle-timer"));
        timer.setRemoveOnCancelPolicy(true);
        blocking = Executors.newCachedThreadPool(threads("passerelle-resolver"));
    }

    /**
     * Switches off MINA's per-service byte and message counters: every read and write of every session updates
     * them under one lock shared by all I/O threads (contended at a few thousand requests per second), and
     * nothing here reads them. Per-session counters, which the watermarks use, are not affected.
     */
    private static void withoutServiceStatistics(AbstractIoService service) {
        service.getStatistics().getConfig().setStatisticsCalcEnabled(false);
    }

    // ---- accepting

    /**
     * A listening socket on {@code at}, served by the shared processors; {@code accept} makes the connection of
     * each accepted session, and {@code tls}, when given, starts each session's filter chain.
     */
    public Listening listen(String name, InetSocketAddress at, java.util.function.Consumer<IoSession> accept,
            IoFilter tls) throws IOException {
        NioSocketAcceptor a = new NioSocketAcceptor(processors); // the sessions' service, never bound
        a.setCloseOnDeactivation(false);
        a.getSessionConfig().setTcpNoDelay(true);
        a.setSessionDataStructureFactory(SESSION_DATA);
        withoutServiceStatistics(a);
        a.setHandler(new TransportHandler(accept, null));
        if (tls != null) {
            a.getFilterChain().addLast("tls", tls);
        }
        try {
            return new Listening(name, this, processors, a, at);
        } catch (IOException | RuntimeException e) {
            a.dispose(false);
            throw e;
        }
    }

    /** The connection of an accepted session, in a serial context of its own, speaking {@code protocol}. */
    public static Connection accepted(IoSession session, Protocol protocol) {
        return new Connection(session, null, new SerialContext(), protocol);
    }

    // ---- connecting

    /**
     * Opens a backend connection for the client connection {@code owner}: on the same I/O processor, running in
     * its serial context. Name lookups and trust store files are done off the I/O threads; the listener is told
     * in the owner's context.
     */
    public void connect(Endpoint to, Connection owner, ConnectListener listener) {
        connect(to, owner.context(), ProcessorPool.affinityOf(owner), listener);
    }

    /** Opens a connection that runs in {@code ctx} (a probe's own, which has no client connection). */
    public void connect(Endpoint to, SerialContext ctx, ConnectListener listener) {
        connect(to, ctx, -1, listener);
    }

    private void connect(Endpoint to, SerialContext ctx, int affinity, ConnectListener listener) {
        String name = to.host().startsWith("[") ? to.host().substring(1, to.host().length() - 1) : to.host();
        if (BackendTlsFilter.isIpLiteral(name) && to.tls() == null) {
            try {
                open(new InetSocketAddress(InetAddress.getByName(name), to.port()), to, null, ctx, affinity, listener);
            } catch (UnknownHostException e) {
                ctx.execute(() -> listener.failed(e, false));
            }
            return;
        }
        blocking.execute(() -> {
            InetSocketAddress address;
            SSLContext context = null;
            try {
                if (to.tls() != null) {
                    context = tls.get(to.tls());
                }
                // keep the name in the address: TLS takes the SNI and host name to verify from it, with no lookup
                address = new InetSocketAddress(InetAddress.getByAddress(name, InetAddress.getByName(name).getAddress()),
                        to.port());
            } catch (IOException | GeneralSecurityException e) {
                IOException cause = e instanceof IOException io ? io : new IOException("TLS setup: " + e.getMessage(), e);
                ctx.execute(() -> listener.failed(cause, false));
                return;
            }
            open(address, to, context, ctx, affinity, listener);
        });
    }

    /** Connects on the processor that will serve the connection (the client connection's), in its own loop. */
    private void open(InetSocketAddress address, Endpoint to, SSLContext context, SerialContext ctx, int affinity,
            ConnectListener listener) {
        ProcessorPool.Processor p = processors.processor(affinity >= 0 ? affinity : processors.nextIndex());
        Connection[] made = new Connection[1];
        IoSessionInitializer<ConnectFuture> init = (session, f) -> {
            made[0] = new Connection(session, to, ctx, NOT_YET);
            if (context != null) {
                session.setAttribute(TransportHandler.TLS, new BackendTlsFilter(context, address.getHostString(),
                        to.tls().verify()));
            }
        };
        Dial dial = new Dial(connector, processors, p, address, to.connectTimeoutMillis(), init,
                () -> ctx.execute(() -> listener.connected(made[0])),
                (cause, timedOut) -> ctx.execute(() -> listener.failed(timedOut
                        ? new IOException("connect to " + to.key() + " timed out")
                        : new IOException("connect to " + to.key() + " failed: " + cause, cause), timedOut)));
        p.run(dial::start);
    }

    // ---- time

    /** Runs the task in {@code ctx} after the delay. @return cancels it */
    public Runnable schedule(SerialContext ctx, long delayMillis, Runnable task) {
        ScheduledFuture<?> f = timer.schedule(() -> ctx.execute(task), delayMillis, TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }

    /** Runs the task every period on the timer thread (pool reaping: quick work only). @return cancels it */
    public Runnable every(long periodMillis, Runnable task) {
        ScheduledFuture<?> f = timer.scheduleWithFixedDelay(task, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }

    /** The core's timer thread (quick work only: hand anything else to a context or processor). */
    ScheduledThreadPoolExecutor timer() {
        return timer;
    }

    IoProcessor<NioSession> processors() {
        return processors;
    }

    /** Sets the idle time of a session that has no connection yet (an accepted one, in its acceptance). */
    public static void idleSeconds(IoSession session, int seconds) {
        session.getConfig().setIdleTime(IdleStatus.BOTH_IDLE, seconds);
    }

    /**
     * A changed {@code io.threads} is read when the core starts again: the I/O threads carry every open connection,
     * so they are not replaced under them.
     */
    @Modified
    synchronized void modified(CoreConfig config, Map<String, Object> props) {
        Config c = Config.of(config, PID, props);
        if (inForce.unchanged(c, LOG)) {
            return;
        }
        try {
            int n = c.integer("io.threads", 0, 1024);
            shutdownTimeoutMillis = c.duration("shutdown.timeout");
            inForce.taken();
            int wanted = n == 0 ? Runtime.getRuntime().availableProcessors() : n;
            if (wanted != ioThreads) {
                LOG.warn("{}: io.threads = {} takes effect when the core restarts; {} I/O threads until then",
                        c.origin(), n, ioThreads);
            }
        } catch (ConfigException e) {
            LOG.error(e.describe(c.origin()));
        }
    }

    // ---- graceful stop (SPEC §4.9)

    /** The framework is stopping: every graceful stop from now on ends at the same deadline. */
    public void beginStop() {
        if (stopDeadline == 0) {
            stopDeadline = System.nanoTime() + shutdownTimeoutMillis * 1_000_000L;
        }
    }

    /** Whether the framework is stopping. */
    public boolean stopping() {
        return stopDeadline != 0;
    }

    /**
     * When what is in flight must be over for a stop that begins now (System.nanoTime()): {@code shutdown.timeout}
     * from now, or from when the framework began to stop.
     */
    public long stopDeadline() {
        long d = stopDeadline;
        return d != 0 ? d : System.nanoTime() + shutdownTimeoutMillis * 1_000_000L;
    }

    /**
     * Waits, on the calling thread (a stopping component's, never an I/O thread), until {@code done} holds or the
     * deadline passes. @return whether it holds
     */
    public static boolean awaitUntil(BooleanSupplier done, long deadlineNanos) {
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadlineNanos >= 0) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return done.getAsBoolean();
            }
        }
        return true;
    }

    @Deactivate
    public void deactivate() throws InterruptedException {
        connector.dispose(false);
        processors.dispose();
        timer.shutdownNow();
        blocking.shutdownNow();
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
