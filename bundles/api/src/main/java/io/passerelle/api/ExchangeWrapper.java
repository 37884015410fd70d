package io.passerelle.api;

import java.util.Objects;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An {@link Exchange} that forwards every call to another one; subclasses override what they watch or
 * intercept (typically {@link #response()} or {@link #requestBody()}), as the balancer does to fail over to
 * another member. A wrapper can be handed to any scheme handler or to {@link Forwarding#forward}: the core
 * serves it on the connection its {@link #client()} names, through the wrapper's own response and body.
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
