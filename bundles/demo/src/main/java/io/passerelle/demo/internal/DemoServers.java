package io.passerelle.demo.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.mina.core.service.IoHandler;
import org.apache.mina.core.service.SimpleIoProcessorPool;
import org.apache.mina.transport.socket.nio.NioProcessor;
import org.apache.mina.transport.socket.nio.NioSession;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two demo listeners (HTTP and WebSocket echo) sharing one I/O processor pool and one thread pool,
 * all owned here and released by {@link #close()}.
 */
final class DemoServers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoServers.class);
    private static final int PROCESSORS = 2;

    private final ExecutorService threads;
    private final SimpleIoProcessorPool<NioSession> processors;
    private final NioSocketAcceptor http;
    private final NioSocketAcceptor ws;
    private final int httpPort;
    private final int wsPort;

    private DemoServers(DemoSettings settings) {
        // MINA renames its workers while they run (NioSocketAcceptor-n, NioProcessor-n); idle ones keep this name
        threads = Executors.newCachedThreadPool(new NamedThreads("passerelle-demo-io-"));
        processors = new SimpleIoProcessorPool<>(NioProcessor.class, threads, PROCESSORS, null);
        http = acceptor(new HttpBackendHandler(new HttpResources()));
        ws = acceptor(new WsBackendHandler());
        httpPort = bind(http, "HTTP", settings.host(), settings.httpPort());
        wsPort = bind(ws, "WebSocket", settings.host(), settings.wsPort());
    }

    /** Binds both backends; a port that cannot be bound is logged and left unbound. */
    static DemoServers start(DemoSettings settings) {
        DemoServers servers = new DemoServers(settings);
        LOG.info("Passerelle demo backends: HTTP {}, WebSocket echo {}",
                where(settings.host(), servers.httpPort), where(settings.host(), servers.wsPort));
        return servers;
    }

    /** The bound HTTP port, or -1 if binding failed. */
    int httpPort() {
        return httpPort;
    }

    /** The bound WebSocket port, or -1 if binding failed. */
    int wsPort() {
        return wsPort;
    }

    @Override
    public void close() {
        http.dispose(true);
        ws.dispose(true);
        processors.dispose();
        threads.shutdown();
        try {
            if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("Passerelle demo: I/O threads did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private NioSocketAcceptor acceptor(IoHandler handler) {
        NioSocketAcceptor acceptor = new NioSocketAcceptor(threads, processors);
        acceptor.setReuseAddress(true);
        acceptor.getSessionConfig().setTcpNoDelay(true);
        acceptor.setHandler(handler);
        return acceptor;
    }

    private static int bind(NioSocketAcceptor acceptor, String what, String host, int port) {
        try {
            acceptor.bind(new InetSocketAddress(host, port));
            return acceptor.getLocalAddress().getPort();
        } catch (IOException | RuntimeException e) {
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            LOG.error("Passerelle demo: cannot bind the {} backend to port {} on {}: {}", what, port, host,
                    cause.getMessage() == null ? cause.toString() : cause.getMessage());
            return -1;
        }
    }

    private static String where(String host, int port) {
        return port < 0 ? "not running" : "on " + host + ":" + port;
    }

    private static final class NamedThreads implements ThreadFactory {
        private final String prefix;
        private final AtomicInteger count = new AtomicInteger();

        NamedThreads(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
