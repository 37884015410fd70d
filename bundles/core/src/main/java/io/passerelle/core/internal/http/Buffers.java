package io.passerelle.core.internal.http;

import java.nio.ByteBuffer;

/** Taking a counted part of a read buffer, as the framing of a body does. */
public final class Buffers {

    private Buffers() {
    }

    /**
     * The next {@code min(max, in.remaining())} bytes of {@code in}, as a view (no copy); {@code in} moves past them.
     */
    public static ByteBuffer take(ByteBuffer in, long max) {
        int n = (int) Math.min(max, in.remaining());
        ByteBuffer slice = in.slice();
        slice.limit(n);
        in.position(in.position() + n);
        return slice;
    }
}
