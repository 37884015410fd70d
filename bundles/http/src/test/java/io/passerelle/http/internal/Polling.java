package io.passerelle.http.internal;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline, parking between looks (no busy spin, no fixed sleep). */
public final class Polling {

    private Polling() {
    }

    /** @throws AssertionError naming {@code what} when the condition is still false after {@code limit} */
    public static void await(String what, Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + limit + ": " + what);
            }
            LockSupport.parkNanos(5_000_000L);
        }
    }
}
