package io.passerelle.core.internal.net;

import java.net.InetSocketAddress;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import org.apache.mina.core.session.IoSession;

/**
 * The client TLS filter of a backend connection: names the backend's host in SNI (the JDK leaves single-label
 * names such as {@code localhost} out on its own) and, when verifying, checks the certificate against that
 * host name. Handshake tasks run on the session's I/O thread ({@link InlineTlsFilter}).
 */
final class BackendTlsFilter extends InlineTlsFilter {

    private final String host;

    BackendTlsFilter(SSLContext context, String host, boolean verify) {
        super(context);
        this.host = host;
        if (verify) {
            setEndpointIdentificationAlgorithm("HTTPS");
        }
    }

    @Override
    protected SSLEngine createEngine(IoSession session, InetSocketAddress addr) {
        SSLEngine engine = super.createEngine(session, addr);
        if (!BackendConnectorImpl.isIpLiteral(host)) {
            SSLParameters p = engine.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(host)));
            engine.setSSLParameters(p);
        }
        return engine;
    }
}
