package io.passerelle.core.internal.net;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;

import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.nio.NioSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a FIN on one direction of a plain TCP session while the other direction goes on. MINA 2.2 has no
 * public half-close, so this reaches the session's channel through {@code NioSession.getChannel()}; where that
 * is not possible (or the session speaks TLS, whose close cannot be half done) the caller closes the session
 * after its writes instead.
 */
final class HalfClose {

    private static final Logger LOG = LoggerFactory.getLogger(HalfClose.class);
    private static final Method GET_CHANNEL = channelAccessor();

    private HalfClose() {
    }

    private static Method channelAccessor() {
        try {
            Method m = NioSession.class.getDeclaredMethod("getChannel");
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(HalfClose.class).info("TCP half-close unavailable ({}): tunnels close both ways", e.toString());
            return null;
        }
    }

    /** @return whether the output of the session was shut down (its input goes on) */
    static boolean shutdownOutput(IoSession session) {
        if (GET_CHANNEL == null || !(session instanceof NioSession) || session.getFilterChain().contains("tls")) {
            return false;
        }
        try {
            Object channel = GET_CHANNEL.invoke(session);
            if (channel instanceof SocketChannel sc) {
                sc.shutdownOutput();
                return true;
            }
        } catch (ReflectiveOperationException | IOException | RuntimeException e) {
            LOG.debug("Half-close of session {} failed: {}", session.getId(), e.toString());
        }
        return false;
    }
}
