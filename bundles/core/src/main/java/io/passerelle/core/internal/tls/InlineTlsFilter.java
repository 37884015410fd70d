package io.passerelle.core.internal.tls;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiFunction;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

import org.apache.mina.core.session.IoSession;
import org.apache.mina.filter.ssl.SslFilter;

/**
 * MINA's TLS filter, with the engine's delegated tasks (certificate checks, key exchange) run on the session's
 * own I/O thread, where the wrap or unwrap that asked for them runs.
 * <p>
 * MINA 2.2's {@code SslFilter} hands those tasks to a static two-thread pool, and the thread that ran one then
 * forwards the handshake records it produced while the I/O thread may be forwarding others: under load, records
 * reach the socket out of order and the peer drops the connection (seen as backends that "closed the
 * connection before responding" on a busy machine). With the tasks run inline, every record of a session is
 * produced and written by one thread, in order. The tasks only compute (no revocation look-ups are enabled), as
 * OpenSSL's do inline in nginx and httpd.
 */
public class InlineTlsFilter extends SslFilter {

    public InlineTlsFilter(SSLContext context) {
        super(context);
    }

    @Override
    protected SSLEngine createEngine(IoSession session, InetSocketAddress addr) {
        return new InlineTaskEngine(super.createEngine(session, addr));
    }

    /** An engine that never reports {@code NEED_TASK}: it runs the tasks itself, on the calling thread. */
    static final class InlineTaskEngine extends SSLEngine {
        private final SSLEngine engine;

        InlineTaskEngine(SSLEngine engine) {
            super(engine.getPeerHost(), engine.getPeerPort());
            this.engine = engine;
        }

        SSLEngine delegate() {
            return engine;
        }

        private void runTasks() {
            Runnable task;
            while ((task = engine.getDelegatedTask()) != null) {
                task.run(); // a failure is kept by the engine and thrown by the next wrap or unwrap
            }
        }

        private SSLEngineResult afterTasks(SSLEngineResult r) {
            if (r.getHandshakeStatus() != HandshakeStatus.NEED_TASK) {
                return r;
            }
            runTasks();
            return new SSLEngineResult(r.getStatus(), getHandshakeStatus(), r.bytesConsumed(), r.bytesProduced());
        }

        @Override
        public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
            return afterTasks(engine.wrap(srcs, offset, length, dst));
        }

        @Override
        public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
            return afterTasks(engine.unwrap(src, dsts, offset, length));
        }

        @Override
        public Runnable getDelegatedTask() {
            runTasks();
            return null;
        }

        @Override
        public HandshakeStatus getHandshakeStatus() {
            HandshakeStatus s = engine.getHandshakeStatus();
            while (s == HandshakeStatus.NEED_TASK) {
                runTasks();
                s = engine.getHandshakeStatus();
            }
            return s;
        }

        @Override
        public void closeInbound() throws SSLException {
            engine.closeInbound();
        }

        @Override
        public boolean isInboundDone() {
            return engine.isInboundDone();
        }

        @Override
        public void closeOutbound() {
            engine.closeOutbound();
        }

        @Override
        public boolean isOutboundDone() {
            return engine.isOutboundDone();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return engine.getSupportedCipherSuites();
        }

        @Override
        public String[] getEnabledCipherSuites() {
            return engine.getEnabledCipherSuites();
        }

        @Override
        public void setEnabledCipherSuites(String[] suites) {
            engine.setEnabledCipherSuites(suites);
        }

        @Override
        public String[] getSupportedProtocols() {
            return engine.getSupportedProtocols();
        }

        @Override
        public String[] getEnabledProtocols() {
            return engine.getEnabledProtocols();
        }

        @Override
        public void setEnabledProtocols(String[] protocols) {
            engine.setEnabledProtocols(protocols);
        }

        @Override
        public SSLSession getSession() {
            return engine.getSession();
        }

        @Override
        public SSLSession getHandshakeSession() {
            return engine.getHandshakeSession();
        }

        @Override
        public void beginHandshake() throws SSLException {
            engine.beginHandshake();
        }

        @Override
        public void setUseClientMode(boolean mode) {
            engine.setUseClientMode(mode);
        }

        @Override
        public boolean getUseClientMode() {
            return engine.getUseClientMode();
        }

        @Override
        public void setNeedClientAuth(boolean need) {
            engine.setNeedClientAuth(need);
        }

        @Override
        public boolean getNeedClientAuth() {
            return engine.getNeedClientAuth();
        }

        @Override
        public void setWantClientAuth(boolean want) {
            engine.setWantClientAuth(want);
        }

        @Override
        public boolean getWantClientAuth() {
            return engine.getWantClientAuth();
        }

        @Override
        public void setEnableSessionCreation(boolean flag) {
            engine.setEnableSessionCreation(flag);
        }

        @Override
        public boolean getEnableSessionCreation() {
            return engine.getEnableSessionCreation();
        }

        @Override
        public SSLParameters getSSLParameters() {
            return engine.getSSLParameters();
        }

        @Override
        public void setSSLParameters(SSLParameters params) {
            engine.setSSLParameters(params);
        }

        @Override
        public String getApplicationProtocol() {
            return engine.getApplicationProtocol();
        }

        @Override
        public String getHandshakeApplicationProtocol() {
            return engine.getHandshakeApplicationProtocol();
        }

        @Override
        public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
            engine.setHandshakeApplicationProtocolSelector(selector);
        }

        @Override
        public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
            return engine.getHandshakeApplicationProtocolSelector();
        }

        @Override
        public String toString() {
            return engine.toString();
        }
    }
}
