package io.passerelle.core.internal.tls;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.regex.Pattern;

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
public final class BackendTlsFilter extends InlineTlsFilter {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final String host;

    /** @param host the host name to send in SNI and to verify the certificate against */
    public BackendTlsFilter(SSLContext context, String host, boolean verify) {
        super(context);
        this.host = host;
        if (verify) {
            setEndpointIdentificationAlgorithm("HTTPS");
        }
    }

    @Override
    protected SSLEngine createEngine(IoSession session, InetSocketAddress addr) {
        SSLEngine engine = super.createEngine(session, addr);
        if (!isIpLiteral(host)) {
            SSLParameters p = engine.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(host)));
            engine.setSSLParameters(p);
        }
        return engine;
    }

    /** Whether a host is an IP literal: no name to look up, none to send in SNI (RFC 6066 §3). */
    public static boolean isIpLiteral(String host) {
        return IPV4.matcher(host).matches() || host.indexOf(':') >= 0;
    }
}
