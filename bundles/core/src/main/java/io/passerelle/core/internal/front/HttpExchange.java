package io.passerelle.core.internal.front;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import io.passerelle.api.BodySource;
import io.passerelle.api.ClientInfo;
import io.passerelle.api.HttpFields;
import io.passerelle.api.RequestHead;
import io.passerelle.api.ResponseHead;
import io.passerelle.api.ResponseSink;
import io.passerelle.core.internal.http.FrontRequest;
import io.passerelle.core.internal.net.Connection;
import io.passerelle.core.internal.net.SerialContext;
import io.passerelle.core.internal.route.Route;
import io.passerelle.core.internal.route.RoutedExchange;
import io.passerelle.core.internal.tunnel.Tunnel;
import io.passerelle.core.internal.tunnel.Tunnels;

/**
 * One request/response (or tunnel) on an HTTP/1.1 client connection. It ends once: when its response ends, its
 * tunnel closes or its client goes away; then its route counts it, its completion tasks run, its access log
 * line is written and its connection goes on.
 */
public final class HttpExchange implements RoutedExchange, Tunnel.Owner {

    private final FrontHandler conn;
    /** The head as the client sent it, for the access log. */
    private RequestHead sent;
    private final boolean keepAlive;
    /** Once a tunnel opens with the body read (an upgrade's is empty), the shared {@link RequestBody#NONE}. */
    private RequestBody body;
    private final ResponseWriter response;
    private final long startMillis = System.currentTimeMillis();
    private final long startNanos = System.nanoTime();
    private RequestHead request;
    /** The completion task (most exchanges have one), or a list of them. */
    private Object completion;
    private Route route;
    private Tunnel tunnel;
    /** The backend URL the exchange was forwarded to (a balancer's member), for the extended access log. */
    private URI backend;
    /**
     * Its scheme and authority, in place of the URL once a tunnel opens (an idle tunnel holds no URL); kept only
     * while the extended access log is on, so a tunnel opened before it was switched on logs {@code backend=-}.
     */
    private String backendShown;
    private long upstreamStartNanos;
    private long upstreamNanos = -1;
    private boolean done;

    HttpExchange(FrontHandler conn, FrontRequest front) {
        this.conn = conn;
        this.sent = front.head();
        this.keepAlive = front.keepAlive();
        this.request = sent;
        this.body = new RequestBody(conn, front.bodyLength(), front.expectContinue());
        this.response = new ResponseWriter(this, conn.connection());
    }

    // ---- Exchange

    @Override
    public RequestHead request() {
        return request;
    }

    @Override
    public ClientInfo client() {
        return conn.client();
    }

    @Override
    public BodySource requestBody() {
        return body;
    }

    @Override
    public ResponseSink response() {
        return response;
    }

    @Override
    public void onComplete(Runnable task) {
        if (done) {
            task.run();
            return;
        }
        if (completion == null) {
            completion = task;
        } else if (completion instanceof Runnable first) {
            List<Runnable> all = new ArrayList<>(4);
            all.add(first);
            all.add(task);
            completion = all;
        } else {
            @SuppressWarnings("unchecked")
            List<Runnable> all = (List<Runnable>) completion;
            all.add(task);
        }
    }

    @Override
    public boolean isDone() {
        return done;
    }

    @Override
    public long bytesFromClient() {
        return tunnel != null ? tunnel.bytesFromClient() : body.received();
    }

    @Override
    public long bytesToClient() {
        return tunnel != null ? tunnel.bytesToClient() : response.bodyBytes();
    }

    // ---- RoutedExchange

    @Override
    public void rewrite(RequestHead rewritten) {
        this.request = rewritten;
    }

    @Override
    public void respond(ResponseHead head) {
        response.direct(head);
    }

    @Override
    public void route(Route r) {
        this.route = r;
        r.stats().countRequest();
    }

    // ---- for the forwarding engine

    /** The serial context of the client connection: backend connections opened for this exchange run in it. */
    public SerialContext context() {
        return conn.connection().context();
    }

    /** The client connection (backend connections opened for it share its I/O thread). */
    public Connection connection() {
        return conn.connection();
    }

    /**
     * Relays {@code head} (a {@code 101} the backend sent) to the client and joins the client connection and
     * {@code backend} into a tunnel. The exchange ends when the tunnel closes.
     *
     * @param fromBackend what the backend sent after its 101 head, or null
     */
    public Tunnel tunnel(Tunnels tunnels, ResponseHead head, Connection backend, ByteBuffer fromBackend,
            long idleMillis) {
        if (response.isCommitted()) {
            throw new IllegalStateException("response already started");
        }
        ByteBuffer fromClient = conn.handOver(head);
        AccessLog log = conn.front().accessLog();
        backendShown = this.backend != null && log.enabled() && log.extended() ? shown(this.backend) : null;
        this.backend = null;
        if (body.ended()) {
            body = RequestBody.NONE;
        }
        RequestHead kept = forTunnel(sent);
        request = request == sent ? kept : forTunnel(request);
        sent = kept;
        if (route != null) {
            route.stats().tunnelOpened();
        }
        tunnel = tunnels.open(this, route == null ? "(rewrite)" : route.name(), route == null ? 0 : route.generation(),
                conn.connection(), fromClient, backend, fromBackend, idleMillis,
                "websocket".equalsIgnoreCase(head.headers().get("Upgrade")));
        return tunnel;
    }

    @Override
    public void tunnelClosed(Tunnel t) {
        if (route != null) {
            route.stats().tunnelClosed();
        }
        end(false);
    }

    /** The forwarding engine sends the request to {@code url} (for a balancer route, the member chosen). */
    public void upstreamStarted(URI url) {
        backend = url;
        upstreamStartNanos = System.nanoTime();
    }

    /** The backend's answer ended (or failed, or switched to a tunnel). */
    public void upstreamEnded() {
        if (upstreamStartNanos != 0 && upstreamNanos < 0) {
            upstreamNanos = System.nanoTime() - upstreamStartNanos;
        }
    }

    // ---- the end

    /** Whether the connection may carry another request after this one, as far as the request goes. */
    boolean keepAliveCandidate() {
        return keepAlive && conn.acceptsMore();
    }

    /** The response ended (or was aborted). */
    void finish(boolean keepAlive) {
        if (end(tunnel == null && response.status() >= 500)) {
            conn.exchangeDone(this, keepAlive && body.ended());
        }
    }

    /** The client connection closed under this exchange. */
    void clientGone() {
        if (!done) {
            body.clientGone();
            end(tunnel == null);
        }
    }

    /** @return false when it had already ended */
    private boolean end(boolean error) {
        if (done) {
            return false;
        }
        done = true;
        int status = tunnel != null ? 101 : response.isCommitted() ? response.status() : 0;
        if (route != null) {
            if (error) {
                route.stats().countError();
            }
            route.stats().exchangeEnded(status, System.nanoTime() - startNanos, bytesFromClient(), bytesToClient(),
                    tunnel != null);
        }
        Object tasks = completion;
        completion = null;
        if (tasks instanceof Runnable one) {
            SerialContext.run(one);
        } else if (tasks != null) {
            @SuppressWarnings("unchecked")
            List<Runnable> all = (List<Runnable>) tasks;
            for (Runnable r : all) {
                SerialContext.run(r);
            }
        }
        AccessLog log = conn.front().accessLog();
        if (log.enabled()) {
            log.log(conn.client(), sent, status, bytesToClient(), startMillis, log.extended() ? extendedFields() : null);
        }
        return true;
    }

    /** {@code route=NAME backend=URL upstream=SECONDS total=SECONDS [tunnel=SECONDS in=BYTES out=BYTES]}. */
    private String extendedFields() {
        upstreamEnded();
        long totalMillis = System.currentTimeMillis() - startMillis;
        StringBuilder b = new StringBuilder(96).append(" route=")
                .append(route != null ? route.name() : tunnel != null || backend != null ? "(rewrite)" : "-")
                .append(" backend=").append(backendShown != null ? backendShown : backend == null ? "-" : shown(backend))
                .append(" upstream=").append(upstreamNanos < 0 ? "-" : seconds(upstreamNanos / 1_000_000L))
                .append(" total=").append(seconds(totalMillis));
        if (tunnel != null) {
            b.append(" tunnel=").append(seconds(tunnel.ageMillis())).append(" in=").append(tunnel.bytesFromClient())
                    .append(" out=").append(tunnel.bytesToClient());
        }
        return b.toString();
    }

    /**
     * What a tunnel keeps of a head while it is open: the request line and the fields the access log and
     * handlers may still read ({@code Host}, {@code Referer}, {@code User-Agent}). A browser's upgrade request
     * carries a dozen fields and more (cookies among them) that an idle tunnel has no use for.
     */
    private static RequestHead forTunnel(RequestHead h) {
        HttpFields kept = new HttpFields();
        for (HttpFields.Field f : h.headers()) {
            if (f.name().equalsIgnoreCase("Host") || f.name().equalsIgnoreCase("Referer")
                    || f.name().equalsIgnoreCase("User-Agent")) {
                kept.add(f.name(), f.value());
            }
        }
        // the copy's array is as long as the fields kept (a new HttpFields has room for 16)
        return new RequestHead(h.method(), h.target(), h.path(), h.query(), h.version(), kept.copy());
    }

    private static String shown(URI backend) {
        return backend.getScheme() + "://" + backend.getRawAuthority();
    }

    private static String seconds(long millis) {
        return millis / 1000 + "." + (millis % 1000 < 100 ? millis % 1000 < 10 ? "00" : "0" : "") + millis % 1000;
    }

    RequestBody body() {
        return body;
    }
}
