package io.passerelle.core.internal.backend;

import io.passerelle.api.BodyReceiver;
import io.passerelle.api.ResponseHead;

/** What an {@link HttpClientConnection} tells the one who sent the request, in that one's context. */
public interface ResponseListener extends BodyReceiver {

    /**
     * A final response head arrived (interim 1xx responses other than 101 are consumed by the connection). For a
     * {@code 101} no body follows: the listener may turn the connection into one side of a tunnel, taking what
     * followed the head with {@link HttpClientConnection#takeLeftover()}.
     */
    void onResponseHead(ResponseHead head);

    /** Nothing was read from or written to the backend for the read timeout. */
    void onTimeout();

    /** The backend closed the connection after a complete response (it was not reusable). */
    default void onClosed() {
    }
}
