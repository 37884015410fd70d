package io.passerelle.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One request and its response (or the tunnel it becomes) on a client connection that may carry many.
 * Made by the core's front end and handed to a {@link SchemeHandler}.
 *
 * <p>See the package documentation for the threading rules: every method is called from the exchange's
 * context, every callback arrives in it. To watch or intercept an exchange before handing it on, wrap it in
 * an {@link ExchangeWrapper}; the core finds its own exchange again through {@link #client()}.
 */
@ProviderType
public interface Exchange {

    /**
     * The request head as the front end parsed it (path normalised, possibly rewritten by a hook). Once the
     * exchange has become a tunnel, it keeps its request line and its {@code Host}, {@code Referer} and
     * {@code User-Agent} fields only (an idle tunnel holds no more): read what you need before.
     */
    RequestHead request();

    /** The client side; the core recognises the exchange by it, so a wrapper must hand on its delegate's. */
    ClientInfo client();

    /** The request body; {@link BodySource#length()} is 0 when there is none. */
    BodySource requestBody();

    /** Where the response goes. */
    ResponseSink response();

    /**
     * Registers a task to run (in the exchange's context) when the exchange ends for any reason: response
     * complete, tunnel closed, client gone, aborted. Handlers release what they hold here.
     */
    void onComplete(Runnable task);

    /** Whether the exchange is over (response complete or client gone). */
    boolean isDone();

    /**
     * Bytes received from the client so far: the request body, or for a tunnel the bytes the client sent
     * through it. For load accounting (the balancer's {@code bytraffic}); read it in {@link #onComplete}.
     */
    long bytesFromClient();

    /** Bytes sent to the client so far: the response body, or for a tunnel the bytes relayed to the client. */
    long bytesToClient();
}
