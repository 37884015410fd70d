package io.passerelle.api;

import java.util.concurrent.TimeUnit;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One request and its response (or the tunnel it becomes) on a client connection that may carry many.
 * Made by the core's front end and handed to a {@link SchemeHandler}.
 *
 * <p>See the package documentation for the threading rules: every method is called from the exchange's
 * context, every callback arrives in it.
 */
@ProviderType
public interface Exchange {

    /** The request head as the front end parsed it (path normalised, possibly rewritten by a hook). */
    RequestHead request();

    ClientInfo client();

    /** The request body; {@link BodySource#length()} is 0 when there is none. */
    BodySource requestBody();

    /** Where the response goes. */
    ResponseSink response();

    /** Opens connections to backends on the core's I/O processors. */
    BackendConnector backends();

    /**
     * Relays {@code head} (a {@code 101 Switching Protocols} the backend sent) to the client and, from then on,
     * copies bytes both ways between the client and {@code backend} with bounded buffering, half-close
     * passed on, and {@code idleTimeoutMillis} of silence in both directions closing both sides. The
     * exchange is complete from the handler's point of view: the core owns both connections afterwards.
     */
    void tunnel(ResponseHead head, BackendConnection backend, long idleTimeoutMillis);

    /**
     * The I/O thread affinity of the exchange: backend connections opened for it live on the same I/O thread
     * as its client connection. Pools of backend connections should be kept per affinity so a reused
     * connection stays on the thread of the exchange that reuses it.
     */
    int affinity();

    /** Runs the task in this exchange's context (from any thread). Ignored once the exchange is over. */
    void execute(Runnable task);

    /**
     * Runs the task in this exchange's context after the delay, unless cancelled or the exchange is over.
     *
     * @return cancels the timer
     */
    Runnable schedule(long delay, TimeUnit unit, Runnable task);

    /**
     * Registers a task to run (in the exchange's context) when the exchange ends for any reason: response
     * complete, client gone, aborted. Handlers release what they hold here.
     */
    void onComplete(Runnable task);

    /** Whether the exchange is over (response complete or client gone). */
    boolean isDone();

    /**
     * Bytes received from the client so far: the request body, or for a tunnel the bytes the client sent
     * through it. For load accounting (the balancer's {@code bytraffic}); read it in {@link #onComplete}.
     *
     * @since 1.1
     */
    default long bytesFromClient() {
        return 0;
    }

    /**
     * Bytes sent to the client so far: the response body, or for a tunnel the bytes relayed to the client.
     *
     * @since 1.1
     */
    default long bytesToClient() {
        return 0;
    }
}
