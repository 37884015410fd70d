package io.passerelle.api;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An {@link Exchange} that forwards every call to another one; subclasses override what they watch or
 * intercept (typically {@link #response()} or {@link #requestBody()}). The core accepts a wrapper wherever
 * it accepts an exchange and works on the {@link #unwrap unwrapped} one where it needs its own (binding a
 * backend connection, starting a tunnel).
 *
 * @since 1.1
 */
@ConsumerType
public abstract class ExchangeWrapper implements Exchange {

    private final Exchange delegate;

    protected ExchangeWrapper(Exchange delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The exchange this one forwards to. */
    public final Exchange delegate() {
        return delegate;
    }

    /** The innermost exchange under any number of wrappers. */
    public static Exchange unwrap(Exchange exchange) {
        Exchange e = exchange;
        while (e instanceof ExchangeWrapper w) {
            e = w.delegate;
        }
        return e;
    }

    @Override
    public RequestHead request() {
        return delegate.request();
    }

    @Override
    public ClientInfo client() {
        return delegate.client();
    }

    @Override
    public BodySource requestBody() {
        return delegate.requestBody();
    }

    @Override
    public ResponseSink response() {
        return delegate.response();
    }

    @Override
    public BackendConnector backends() {
        return delegate.backends();
    }

    @Override
    public void tunnel(ResponseHead head, BackendConnection backend, long idleTimeoutMillis) {
        delegate.tunnel(head, backend, idleTimeoutMillis);
    }

    @Override
    public int affinity() {
        return delegate.affinity();
    }

    @Override
    public void execute(Runnable task) {
        delegate.execute(task);
    }

    @Override
    public Runnable schedule(long delay, TimeUnit unit, Runnable task) {
        return delegate.schedule(delay, unit, task);
    }

    @Override
    public void onComplete(Runnable task) {
        delegate.onComplete(task);
    }

    @Override
    public boolean isDone() {
        return delegate.isDone();
    }

    @Override
    public long bytesFromClient() {
        return delegate.bytesFromClient();
    }

    @Override
    public long bytesToClient() {
        return delegate.bytesToClient();
    }
}
