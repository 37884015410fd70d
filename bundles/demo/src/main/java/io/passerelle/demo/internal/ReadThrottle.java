package io.passerelle.demo.internal;

import org.apache.mina.core.session.IoSession;

/**
 * Read-side backpressure for one session: reading stops while the session's own write queue is above
 * {@link #HIGH_WATER} (or while the owner holds it) and resumes below {@link #LOW_WATER}.
 */
final class ReadThrottle {

    static final long HIGH_WATER = 256 * 1024;
    static final long LOW_WATER = 64 * 1024;

    private final IoSession session;
    private boolean suspended;

    ReadThrottle(IoSession session) {
        this.session = session;
    }

    /** Re-evaluates after reading or after a write completed. */
    void update(boolean hold) {
        long queued = session.getScheduledWriteBytes();
        boolean off = hold || queued > (suspended ? LOW_WATER : HIGH_WATER);
        if (off != suspended) {
            suspended = off;
            if (off) {
                session.suspendRead();
            } else {
                session.resumeRead();
            }
        }
    }
}
