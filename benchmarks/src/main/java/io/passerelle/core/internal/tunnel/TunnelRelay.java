package io.passerelle.core.internal.tunnel;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.passerelle.core.internal.net.ConnectListener;
import io.passerelle.core.internal.net.Connection;
import io.passerelle.core.internal.net.Endpoint;
import io.passerelle.core.internal.net.NetworkCore;
import io.passerelle.core.internal.net.SerialContext;

/**
 * A 64-byte WebSocket message through a real tunnel on loopback, and back.
 * <p>
 * {@link Relay} starts the core's network layer without OSGi (a {@link NetworkCore}: MINA I/O processors,
 * connector, timer) and has it open the tunnel's two connections: its client connection to a socket of the
 * benchmark's, which plays the client, in a serial context of its own; its backend connection, for it (same I/O
 * processor, same context), to an echo server. {@link Tunnels#open} joins them as the front end does after a
 * {@code 101}, following WebSocket frames. Left out are the listener's accept (the client connection is dialled
 * by the core rather than accepted by it: the same session type, handler and socket options) and the HTTP
 * upgrade exchange before the tunnel; every relayed byte takes the production path (MINA read, the connection's
 * serial context, {@code Tunnel.Side.onData}, frame following, MINA write, both ways).
 * <p>
 * {@link #relay} writes one masked binary frame with a 64-byte payload (70 bytes) on a blocking client socket
 * and reads the 66-byte unmasked frame the echo server sends back: the round-trip latency of one message through
 * the relay. {@link #direct} does the same straight to the echo server, so {@code relay - direct} is what the
 * proxy adds. {@link #followFrame} is the frame bookkeeping the tunnel does for each such message.
 */
@BenchmarkMode(Mode.AverageTime)
// a fixed heap touched before the run: see "Heap" in benchmarks/README.md
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TunnelRelay {

    static final int PAYLOAD = 64;

    /** A client-to-server binary frame: FIN + binary, masked, {@value #PAYLOAD} payload bytes. */
    static byte[] clientFrame() {
        byte[] mask = {0x37, (byte) 0xfa, 0x21, 0x3d};
        byte[] f = new byte[2 + 4 + PAYLOAD];
        f[0] = (byte) 0x82;
        f[1] = (byte) (0x80 | PAYLOAD);
        System.arraycopy(mask, 0, f, 2, 4);
        for (int i = 0; i < PAYLOAD; i++) {
            f[6 + i] = (byte) (('a' + i % 26) ^ mask[i % 4]);
        }
        return f;
    }

    /** The network core, a tunnel to an echo server through it, and a direct connection to the same echo server. */
    @State(Scope.Thread)
    public static class Relay {
        private EchoServer echo;
        private NetworkCore core;
        private final Tunnels tunnels = new Tunnels();
        private SocketChannel throughProxy;
        private SocketChannel direct;
        private final ByteBuffer frame = ByteBuffer.wrap(clientFrame());
        private final ByteBuffer reply = ByteBuffer.allocate(2 + PAYLOAD);

        @Setup
        public void setup() throws Exception {
            try {
                start();
            } catch (Exception | Error e) {
                tearDown(); // JMH does not when a set-up fails
                throw e;
            }
        }

        private void start() throws Exception {
            echo = new EchoServer();
            core = new NetworkCore();
            CountDownLatch opened = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Endpoint backend = endpoint(echo.server);
            try (ServerSocketChannel clientSide = ServerSocketChannel.open()) {
                clientSide.bind(new InetSocketAddress("127.0.0.1", 0));
                // the tunnel's client connection, in a serial context of its own as an accepted one has
                core.connect(endpoint(clientSide), new SerialContext(), new Opened(failure, opened, front -> {
                    front.idleSeconds(1); // the once-a-second tick a listener gives its connections
                    // its backend connection, on the same I/O processor and in the same context
                    core.connect(backend, front, new Opened(failure, opened, back -> {
                        tunnels.open(t -> { }, "bench", 1, front, null, back, null, 0, true);
                        opened.countDown();
                    }));
                }));
                clientSide.socket().setSoTimeout(10_000);
                throughProxy = clientSide.socket().accept().getChannel();
                throughProxy.socket().setTcpNoDelay(true);
            }
            // nothing may be sent before the tunnel is open: until then the connections have no protocol
            if (!opened.await(10, TimeUnit.SECONDS) || failure.get() != null) {
                throw new IllegalStateException("the tunnel did not open", failure.get());
            }
            direct = connect((InetSocketAddress) echo.server.getLocalAddress());
            check(roundTrip(throughProxy), "through the tunnel");
            check(roundTrip(direct), "direct");
        }

        private static Endpoint endpoint(ServerSocketChannel server) throws IOException {
            return new Endpoint("127.0.0.1", ((InetSocketAddress) server.getLocalAddress()).getPort(), null, 5000);
        }

        /** Goes on with a connection the core opened, or notes why it could not. */
        private record Opened(AtomicReference<Throwable> failure, CountDownLatch opened, Consumer<Connection> then)
                implements ConnectListener {
            @Override
            public void connected(Connection connection) {
                then.accept(connection);
            }

            @Override
            public void failed(IOException cause, boolean timedOut) {
                failure.set(cause);
                opened.countDown();
            }
        }

        private static SocketChannel connect(InetSocketAddress to) throws IOException {
            SocketChannel c = SocketChannel.open(to);
            c.socket().setTcpNoDelay(true);
            return c;
        }

        /** Sends the frame and reads the echoed frame back into {@link #reply}. */
        ByteBuffer roundTrip(SocketChannel channel) throws IOException {
            frame.clear();
            while (frame.hasRemaining()) {
                channel.write(frame);
            }
            reply.clear();
            while (reply.hasRemaining()) {
                if (channel.read(reply) < 0) {
                    throw new EOFException("closed by the peer");
                }
            }
            return reply;
        }

        private void check(ByteBuffer r, String how) {
            byte[] expected = new byte[2 + PAYLOAD];
            expected[0] = (byte) 0x82;
            expected[1] = PAYLOAD;
            for (int i = 0; i < PAYLOAD; i++) {
                expected[2 + i] = (byte) ('a' + i % 26);
            }
            if (!Arrays.equals(r.array(), expected)) {
                throw new IllegalStateException("wrong echo " + how);
            }
        }

        @TearDown
        public void tearDown() throws Exception {
            for (AutoCloseable c : new AutoCloseable[] {throughProxy, direct, echo}) {
                if (c != null) {
                    c.close();
                }
            }
            if (core != null) {
                core.deactivate();
            }
        }
    }

    /** Round trip of one 64-byte message through the tunnel. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public ByteBuffer relay(Relay r) throws IOException {
        return r.roundTrip(r.throughProxy);
    }

    /** The same round trip straight to the echo server (the baseline without the proxy). */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public ByteBuffer direct(Relay r) throws IOException {
        return r.roundTrip(r.direct);
    }

    /** One direction's frame follower, fed one whole client frame per call. */
    @State(Scope.Thread)
    public static class Frames {
        final FrameBoundaries frames = new FrameBoundaries();
        final ByteBuffer frame = ByteBuffer.wrap(clientFrame());
    }

    /** What the tunnel adds per message for following WebSocket frames (in each direction). */
    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public boolean followFrame(Frames f) {
        f.frames.follow(f.frame);
        return f.frames.atBoundary();
    }

    /**
     * A blocking WebSocket echo for frames of under 126 payload bytes: a thread per connection reads a client
     * frame, unmasks it and sends it back unmasked, as a server does.
     */
    static final class EchoServer implements AutoCloseable {
        final ServerSocketChannel server;

        EchoServer() throws IOException {
            server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            Thread acceptor = new Thread(this::accept, "bench-echo-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void accept() {
            try {
                while (true) {
                    SocketChannel c = server.accept();
                    c.socket().setTcpNoDelay(true);
                    Thread t = new Thread(() -> echo(c), "bench-echo");
                    t.setDaemon(true);
                    t.start();
                }
            } catch (IOException e) {
                // closed
            }
        }

        private static void echo(SocketChannel c) {
            ByteBuffer header = ByteBuffer.allocate(6);
            ByteBuffer payload = ByteBuffer.allocate(125);
            ByteBuffer out = ByteBuffer.allocate(2 + 125);
            try (c) {
                while (readFully(c, header.clear())) {
                    int length = header.get(1) & 0x7f;
                    if ((header.get(1) & 0x80) == 0 || length > 125) {
                        throw new IOException("not a short masked frame");
                    }
                    if (!readFully(c, payload.clear().limit(length))) {
                        return;
                    }
                    out.clear();
                    out.put(header.get(0)).put((byte) length);
                    for (int i = 0; i < length; i++) {
                        out.put((byte) (payload.get(i) ^ header.get(2 + i % 4)));
                    }
                    out.flip();
                    while (out.hasRemaining()) {
                        c.write(out);
                    }
                }
            } catch (IOException e) {
                // the connection ended
            }
        }

        /** @return false at end of stream */
        private static boolean readFully(SocketChannel c, ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                if (c.read(b) < 0) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
