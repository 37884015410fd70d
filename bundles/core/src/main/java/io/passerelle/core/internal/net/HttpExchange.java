package io.passerelle.core.internal.net;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.passerelle.api.BackendConnection;
import io.passerelle.api.BackendConnector;
import io.passerelle.api.BodySource;
import io.passerelle.api.ClientInfo;
import io.passerelle.api.Exchange;
import io.passerelle.api.RequestHead;
import io.passerelle.api.ResponseHead;
import io.passerelle.api.ResponseSink;
import io.passerelle.core.internal.http.FrontRequest;
import io.passerelle.core.internal.route.Route;

/** One request/response (or tunnel) on an HTTP/1.1 client connection. */
final class HttpExchange implements Exchange {

    private final FrontConnection conn;
    private final FrontRequest front;
    private final RequestBody body;
    private final ResponseWriter response;
    private final long startMillis = System.currentTimeMillis();
    private RequestHead request;
    private BackendConnectorImpl connector;
    private List<Runnable> completion;
    private Route route;
    private TunnelRelay tunnel;
    private boolean done;

    HttpExchange(FrontConnection conn, FrontRequest front) {
        this.conn = conn;
        this.front = front;
        this.request = front.head();
        this.body = new RequestBody(conn, front.bodyLength(), front.expectContinue());
        this.response = new ResponseWriter(this, conn.session);
    }

    FrontConnection connection() {
        return conn;
    }

    @Override
    public RequestHead request() {
        return request;
    }

    void request(RequestHead rewritten) {
        this.request = rewritten;
    }

    /** The request as the client sent it (for the access log). */
    RequestHead original() {
        return front.head();
    }

    @Override
    public ClientInfo client() {
        return conn.client();
    }

    @Override
    public BodySource requestBody() {
        return body;
    }

    RequestBody body() {
        return body;
    }

    @Override
    public ResponseSink response() {
        return response;
    }

    ResponseWriter writer() {
        return response;
    }

    @Override
    public BackendConnector backends() {
        if (connector == null) {
            connector = new BackendConnectorImpl(conn.core(), this);
        }
        return connector;
    }

    void route(Route r) {
        this.route = r;
    }

    Route route() {
        return route;
    }

    @Override
    public void tunnel(ResponseHead head, BackendConnection backend, long idleTimeoutMillis) {
        if (response.isCommitted()) {
            throw new IllegalStateException("response already started");
        }
        BackendConnectionImpl b = (BackendConnectionImpl) backend;
        tunnel = new TunnelRelay(this, conn, b, route, idleTimeoutMillis);
        conn.startTunnel(tunnel, head);
    }

    TunnelRelay tunnelRelay() {
        return tunnel;
    }

    @Override
    public int affinity() {
        return conn.affinity();
    }

    @Override
    public void execute(Runnable task) {
        conn.ctx.execute(() -> {
            if (!done) {
                task.run();
            }
        });
    }

    @Override
    public Runnable schedule(long delay, TimeUnit unit, Runnable task) {
        ScheduledFuture<?> f = conn.core().timer().schedule(() -> execute(task), delay, unit);
        return () -> f.cancel(false);
    }

    @Override
    public void onComplete(Runnable task) {
        if (done) {
            task.run();
            return;
        }
        if (completion == null) {
            completion = new ArrayList<>(2);
        }
        completion.add(task);
    }

    @Override
    public boolean isDone() {
        return done;
    }

    @Override
    public long bytesFromClient() {
        return tunnel != null ? tunnel.bytesUp() : body.received();
    }

    @Override
    public long bytesToClient() {
        return tunnel != null ? tunnel.bytesDown() : response.bodyBytes();
    }

    /** Whether the connection may carry another request after this one, as far as the request goes. */
    boolean keepAliveCandidate() {
        return front.keepAlive() && conn.acceptsMore();
    }

    /** The response ended (or was aborted): finish the exchange and let the connection go on. */
    void finish(boolean keepAlive) {
        if (done) {
            return;
        }
        done = true;
        if (route != null && response.status() >= 500 && tunnel == null) {
            route.countError();
        }
        runCompletion();
        conn.exchangeDone(this, keepAlive && body.ended());
    }

    /** The client connection closed under this exchange. */
    void clientGone() {
        if (done) {
            return;
        }
        done = true;
        body.clientGone();
        if (route != null && tunnel == null) {
            route.countError();
        }
        runCompletion();
    }

    private void runCompletion() {
        if (completion != null) {
            for (Runnable r : completion) {
                SerialContext.run(r);
            }
            completion = null;
        }
    }

    long startMillis() {
        return startMillis;
    }
}
