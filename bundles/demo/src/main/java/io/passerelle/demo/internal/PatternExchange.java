package io.passerelle.demo.internal;

/**
 * Streams {@code length} bytes of the {@link PatternBytes} pattern, one window at a time, only while the
 * session's write queue is below {@link #QUEUE_LIMIT}; {@link #resume()} continues after each write.
 */
final class PatternExchange implements Exchange {

    static final long QUEUE_LIMIT = ReadThrottle.HIGH_WATER - PatternBytes.CHUNK;

    private final ResponseWriter writer;
    private final PatternBytes pattern;
    private final long length;
    private final boolean chunked;
    private long offset;
    private boolean done;

    PatternExchange(ResponseWriter writer, PatternBytes pattern, long length, boolean chunked) {
        this.writer = writer;
        this.pattern = pattern;
        this.length = length;
        this.chunked = chunked;
    }

    @Override
    public void start() {
        writer.head(200, "application/octet-stream", chunked ? -1 : length);
        if (!writer.bodyAllowed()) {
            offset = length;
        }
        resume();
    }

    @Override
    public void resume() {
        if (done) {
            return;
        }
        while (offset < length && writer.session().getScheduledWriteBytes() < QUEUE_LIMIT) {
            int n = (int) Math.min(PatternBytes.CHUNK, length - offset);
            writer.body(pattern.window(offset, n));
            offset += n;
        }
        if (offset == length) {
            done = true;
            writer.finish();
        }
    }
}
