package io.passerelle.core.internal.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;

import org.apache.mina.core.future.ConnectFuture;

import io.passerelle.api.BackendConnector;
import io.passerelle.api.ConnectHandler;
import io.passerelle.api.ConnectOptions;

/**
 * Opens backend connections for one exchange: resolves names and loads trust stores on the resolver pool
 * (never on an I/O thread), connects through the shared connector with TLS when asked (SNI and host name
 * verification from the URL's host), enforces the connect timeout, and reports in the exchange's context.
 */
final class BackendConnectorImpl implements BackendConnector {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final NetworkCore core;
    private final HttpExchange exchange;

    BackendConnectorImpl(NetworkCore core, HttpExchange exchange) {
        this.core = core;
        this.exchange = exchange;
    }

    static boolean isIpLiteral(String host) {
        return IPV4.matcher(host).matches() || host.indexOf(':') >= 0;
    }

    @Override
    public void connect(String host, int port, ConnectOptions options, ConnectHandler handler) {
        String key = host + ":" + port + (options.tls() ? "+tls" : "");
        String name = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        boolean literal = isIpLiteral(name);
        if (literal && !options.tls()) {
            try {
                open(new InetSocketAddress(InetAddress.getByName(name), port), key, options, null, handler);
            } catch (UnknownHostException e) {
                handler.failed(e, false);
            }
            return;
        }
        // name lookups and trust store files are read on the resolver pool, never on an I/O thread
        core.resolver().execute(() -> {
            InetSocketAddress address;
            SSLContext tls = null;
            try {
                if (options.tls()) {
                    tls = core.tls().get(options);
                }
                // keep the name in the address: TLS takes the SNI and host name to verify from it, with no lookup
                address = new InetSocketAddress(InetAddress.getByAddress(name, InetAddress.getByName(name).getAddress()), port);
            } catch (IOException | GeneralSecurityException e) {
                IOException cause = e instanceof IOException io ? io : new IOException("TLS setup: " + e.getMessage(), e);
                exchange.execute(() -> handler.failed(cause, false));
                return;
            }
            open(address, key, options, tls, handler);
        });
    }

    private void open(InetSocketAddress address, String key, ConnectOptions options, SSLContext tls,
            ConnectHandler handler) {
        BackendConnectionImpl[] made = new BackendConnectionImpl[1];
        int affinity = exchange.affinity();
        ConnectFuture future = core.connector().connect(address, (session, f) -> {
            session.setAttribute(ProcessorPool.AFFINITY, affinity);
            made[0] = new BackendConnectionImpl(session, key);
            session.setAttribute(BackendIoHandler.CONNECTION, made[0]);
            if (tls != null) {
                String host = address.getHostString();
                session.setAttribute(BackendIoHandler.TLS, new BackendTlsFilter(tls, host, options.tlsVerify()));
            }
        });
        var timeout = core.timer().schedule(future::cancel, options.connectTimeoutMillis(), TimeUnit.MILLISECONDS);
        future.addListener(f -> {
            timeout.cancel(false);
            ConnectFuture cf = (ConnectFuture) f;
            exchange.connection().ctx.execute(() -> {
                if (cf.isConnected()) {
                    BackendConnectionImpl c = made[0];
                    if (exchange.isDone()) {
                        c.close();
                    } else {
                        handler.connected(c);
                    }
                } else if (!exchange.isDone()) {
                    boolean timedOut = cf.isCanceled();
                    Throwable cause = cf.getException();
                    handler.failed(timedOut ? new IOException("connect to " + key + " timed out")
                            : new IOException("connect to " + key + " failed: " + cause, cause), timedOut);
                }
            });
        });
    }
}
