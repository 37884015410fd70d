package io.passerelle.api;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An HTTP/1.1 connection to a backend, lent by the core. It frames requests and parses responses
 * (status line, headers, Content-Length / chunked / until-close bodies) and can be kept for the next
 * request when {@link #isReusable()} says so.
 *
 * <p>A connection is bound to one exchange at a time: {@link #bind(Exchange, BackendListener)} makes its
 * events arrive in that exchange's context. An unbound connection (idle in a pool) reports only its closing,
 * on an I/O thread, to the listener given to {@link #unbind(Runnable)}.
 */
@ProviderType
public interface BackendConnection {

    /** {@code host:port} as connected (with {@code +tls} for TLS), useful as a pool key. */
    String key();

    long id();

    /** Routes this connection's events to the listener, in the exchange's context. */
    void bind(Exchange exchange, BackendListener listener);

    /**
     * Detaches the connection from its exchange (to park it in a pool). If it closes while unbound,
     * {@code onClose} runs (on an I/O thread).
     */
    void unbind(Runnable onClose);

    /**
     * Sends a request head. Framing of the body that follows comes from its headers: Content-Length,
     * or {@code Transfer-Encoding: chunked} (the connection then chunk-encodes what is written).
     * {@code HEAD} requests expect no response body.
     */
    void sendHead(RequestHead head);

    /**
     * Sends body data (the buffer becomes the core's).
     *
     * @return false when more than a high watermark is queued: stop until {@link #onDrain(Runnable)}
     */
    boolean write(ByteBuffer data);

    /** Ends the request body (writes the last chunk for a chunked body). */
    void endBody();

    /** Runs the task once, in the bound exchange's context, when the queued output falls under the low mark. */
    void onDrain(Runnable task);

    void suspendRead();

    void resumeRead();

    /**
     * Sets the timeout: {@link BackendListener#onTimeout()} fires after this long without any byte read
     * from or written to the backend while a response is awaited or streaming. 0 turns it off.
     */
    void setReadTimeout(long millis);

    /** Whether the last response was complete and both sides allow keep-alive: the connection may be reused. */
    boolean isReusable();

    boolean isOpen();

    /** Whether any byte of a response was received since the last {@link #sendHead(RequestHead)}. */
    boolean responseStarted();

    void close();
}
