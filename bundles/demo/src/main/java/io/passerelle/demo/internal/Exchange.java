package io.passerelle.demo.internal;

import org.apache.mina.core.buffer.IoBuffer;

/** One request/response of the HTTP backend; all calls come from the session's I/O thread. */
interface Exchange {

    /** The request head has been parsed. */
    void start();

    /** A piece of the request body, only valid during the call. */
    default void requestBody(IoBuffer piece) {
    }

    /** The request body is complete. */
    default void requestEnd() {
    }

    /** A write completed: the response may produce more if the write queue is low. */
    default void resume() {
    }
}
