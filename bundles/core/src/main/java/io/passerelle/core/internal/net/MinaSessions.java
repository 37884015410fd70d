package io.passerelle.core.internal.net;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import org.apache.mina.core.future.IoFuture;
import org.apache.mina.core.service.AbstractIoService;
import org.apache.mina.core.service.IoProcessor;
import org.apache.mina.core.service.IoService;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.core.session.IoSessionInitializer;
import org.apache.mina.transport.socket.nio.NioSession;

/**
 * The two steps by which MINA's acceptor and connector make a session of a socket, for the sockets this core
 * accepts and connects in its I/O processors' loops ({@link Listening}, {@link Dial}): the TCP session class
 * ({@code NioSocketSession}, package-private in MINA 2.2) and the service's set-up of it
 * ({@code AbstractIoService.initSession}, protected final: attribute map, write queue, connect future, the
 * initializer). MINA offers no public way to hand it a socket, so both are reached once, by method handles; the
 * session made is exactly the one MINA would make. A session's selection key is reached the same way (to close
 * its socket once the selector has let go of it: {@link ProcessorPool.Processor#destroy}). Found when the class
 * loads: a MINA without them stops the core from starting, loudly, rather than failing later.
 */
final class MinaSessions {

    private static final MethodHandle NEW_SESSION;
    private static final MethodHandle INIT_SESSION;
    private static final MethodHandle SELECTION_KEY;

    static {
        try {
            Class<?> c = Class.forName("org.apache.mina.transport.socket.nio.NioSocketSession", true,
                    NioSession.class.getClassLoader());
            NEW_SESSION = MethodHandles.privateLookupIn(c, MethodHandles.lookup())
                    .findConstructor(c, MethodType.methodType(void.class, IoService.class, IoProcessor.class,
                            SocketChannel.class));
            INIT_SESSION = MethodHandles.privateLookupIn(AbstractIoService.class, MethodHandles.lookup())
                    .findVirtual(AbstractIoService.class, "initSession", MethodType.methodType(void.class,
                            IoSession.class, IoFuture.class, IoSessionInitializer.class));
            SELECTION_KEY = MethodHandles.privateLookupIn(NioSession.class, MethodHandles.lookup())
                    .findVirtual(NioSession.class, "getSelectionKey", MethodType.methodType(SelectionKey.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private MinaSessions() {
    }

    /** The key of a session on its processor's selector (package-private in MINA 2.2), or null before it has one. */
    static SelectionKey keyOf(NioSession session) {
        try {
            return (SelectionKey) SELECTION_KEY.invokeExact(session);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * The session of a connected socket, set up by {@code service} (its handler, socket options, filter chain
     * builder, attribute map), not yet added to a processor.
     *
     * @param future told when the session is open (a connector's), or null
     * @param init   runs before the session is announced, or null
     */
    static NioSession of(AbstractIoService service, IoProcessor<NioSession> processors, SocketChannel channel,
            IoFuture future, IoSessionInitializer<?> init) {
        try {
            NioSession s = (NioSession) NEW_SESSION.invoke(service, processors, channel);
            INIT_SESSION.invoke(service, s, future, init);
            return s;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
