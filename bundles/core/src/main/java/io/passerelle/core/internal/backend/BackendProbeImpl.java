package io.passerelle.core.internal.backend;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.passerelle.api.BackendProbe;
import io.passerelle.api.BackendTls;
import io.passerelle.api.HttpFields;
import io.passerelle.api.RequestHead;
import io.passerelle.api.ResponseHead;
import io.passerelle.core.internal.net.ConnectListener;
import io.passerelle.core.internal.net.Connection;
import io.passerelle.core.internal.net.Endpoint;
import io.passerelle.core.internal.net.NetworkCore;
import io.passerelle.core.internal.net.SerialContext;
import io.passerelle.core.internal.route.Route;
import io.passerelle.core.internal.route.RouteTable;

/**
 * The {@link BackendProbe} service: a connect, or one HTTP/1.1 request, over the same connector, TLS contexts
 * and HTTP client as the proxied traffic, with the TLS settings of the routes that send to the backend. Nothing
 * blocks: the probe runs in a serial context of its own and completes its stage from there.
 */
@Component(service = BackendProbe.class)
public final class BackendProbeImpl implements BackendProbe {

    private final NetworkCore core;
    private final RouteTable routes;

    @Activate
    public BackendProbeImpl(@Reference NetworkCore core, @Reference RouteTable routes) {
        this.core = core;
        this.routes = routes;
    }

    @Override
    public CompletionStage<ProbeResult> probe(URI backend, URI via, String method, String path, long timeoutMillis) {
        String scheme = backend.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = scheme.equals("https") || scheme.equals("wss");
        int port = backend.getPort() > 0 ? backend.getPort() : tls ? 443 : 80;
        Endpoint to = new Endpoint(backend.getHost(), port, tls ? tlsFor(via) : null, timeoutMillis);
        Probe p = new Probe(to, method.toUpperCase(Locale.ROOT), path,
                backend.getPort() > 0 ? backend.getHost() + ":" + backend.getPort() : backend.getHost());
        p.ctx.execute(() -> {
            p.cancelTimer = core.schedule(p.ctx, timeoutMillis, () -> p.done(ProbeResult.failed("no answer within "
                    + timeoutMillis + " ms")));
            core.connect(to, p.ctx, p);
        });
        return p.result;
    }

    /** The TLS settings of the first route, in evaluation order, whose url has the scheme and host of {@code via}. */
    BackendTls tlsFor(URI via) {
        if (via != null) {
            for (Route r : routes.routes()) {
                URI u = r.url();
                if (u != null && via.getScheme() != null && via.getScheme().equalsIgnoreCase(u.getScheme())
                        && via.getHost() != null && via.getHost().equalsIgnoreCase(u.getHost())) {
                    return r.options().tls();
                }
            }
        }
        return BackendTls.DEFAULT;
    }

    /** One probe, in its own context. */
    private static final class Probe implements ConnectListener, ResponseListener {
        final SerialContext ctx = new SerialContext();
        final CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        private final Endpoint to;
        private final String method;
        private final String path;
        private final String host;
        Runnable cancelTimer;
        private HttpClientConnection http;
        private Connection connection;

        Probe(Endpoint to, String method, String path, String host) {
            this.to = to;
            this.method = method;
            this.path = path;
            this.host = host;
        }

        @Override
        public void connected(Connection c) {
            connection = c;
            if (result.isDone()) {
                c.close();
                return;
            }
            if (method.equals("TCP")) {
                done(ProbeResult.PASSED);
                return;
            }
            http = new HttpClientConnection(c, to.key());
            c.protocol(http);
            http.listener(this);
            HttpFields f = new HttpFields().add("Host", host).add("User-Agent", "passerelle-hcheck")
                    .add("Connection", "close");
            http.sendHead(new RequestHead(method, path, path, null, "HTTP/1.1", f));
            http.endBody();
        }

        @Override
        public void failed(IOException cause, boolean timedOut) {
            done(ProbeResult.failed(cause.getMessage()));
        }

        @Override
        public void onResponseHead(ResponseHead head) {
            int s = head.status();
            done(s >= 200 && s < 400 ? ProbeResult.PASSED : ProbeResult.failed("status " + s));
        }

        @Override
        public void onData(ByteBuffer data) {
            // the verdict came with the head
        }

        @Override
        public void onEnd() {
            // the verdict came with the head
        }

        @Override
        public void onError(Exception cause) {
            done(ProbeResult.failed(cause.getMessage()));
        }

        @Override
        public void onTimeout() {
            done(ProbeResult.failed("read timeout"));
        }

        void done(ProbeResult r) {
            if (http != null) {
                http.listener(null);
            }
            if (connection != null) {
                connection.close();
            }
            if (cancelTimer != null) {
                cancelTimer.run();
            }
            result.complete(r);
        }
    }
}
