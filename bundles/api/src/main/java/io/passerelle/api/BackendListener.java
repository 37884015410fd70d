package io.passerelle.api;

import org.osgi.annotation.versioning.ConsumerType;

/** Events of a bound {@link BackendConnection}, delivered in the bound exchange's context. */
@ConsumerType
public interface BackendListener extends BodyReceiver {

    /**
     * A final response head arrived (interim 1xx responses other than 101 are consumed by the connection).
     * For a {@code 101}, no body follows: the handler may turn the exchange into a tunnel.
     */
    void onResponseHead(ResponseHead head);

    /** The read timeout elapsed. */
    void onTimeout();

    /** The connection closed; also after {@link #onEnd()} when the backend closes a finished connection. */
    default void onClosed() {
    }
}
