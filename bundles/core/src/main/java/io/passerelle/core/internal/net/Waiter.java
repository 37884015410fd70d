package io.passerelle.core.internal.net;

import java.nio.channels.SelectionKey;

/**
 * Something other than a session that waits on an I/O processor's selector, as its key's attachment: a
 * listening socket ({@link Listening}) or a connect under way ({@link Dial}). The processor runs it on its own
 * thread when its key is selected, in the same loop that serves the sessions, so accepting and connecting cost
 * no thread of their own and no hand-over.
 */
interface Waiter {

    /** Its key was selected (on the processor's thread). */
    void ready(SelectionKey key);

    /** Its registration moved to a new selector (MINA replaces a spinning one). */
    void rekeyed(SelectionKey key);

    /** The processor is disposed: release the channel. */
    void abandon();
}
