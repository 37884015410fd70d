package io.passerelle.demo.internal;

import org.apache.mina.core.buffer.IoBuffer;

/**
 * The deterministic test pattern: byte {@code i} of a body is {@code (i * 31 + 7) & 0xff}. It repeats
 * every 256 bytes, so any window of up to {@link #CHUNK} bytes is a view of one read-only table.
 */
final class PatternBytes {

    static final int CHUNK = 64 * 1024;

    private final byte[] table = new byte[CHUNK + 256];

    PatternBytes() {
        for (int i = 0; i < table.length; i++) {
            table[i] = at(i);
        }
    }

    static byte at(long index) {
        return (byte) ((index & 0xff) * 31 + 7);
    }

    /** The {@code length} (at most {@link #CHUNK}) pattern bytes starting at body offset {@code offset}. */
    IoBuffer window(long offset, int length) {
        return IoBuffer.wrap(table, (int) (offset & 0xff), length);
    }
}
