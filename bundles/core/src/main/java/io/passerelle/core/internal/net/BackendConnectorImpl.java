package io.passerelle.core.internal.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.apache.mina.core.future.ConnectFuture;

import io.passerelle.api.BackendConnector;
import io.passerelle.api.ConnectHandler;
import io.passerelle.api.ConnectOptions;

/**
 * Opens backend connections for one exchange: resolves names on the resolver pool (never on an I/O thread),
 * connects through the shared connector, enforces the connect timeout, and reports in the exchange's context.
 */
final class BackendConnectorImpl implements BackendConnector {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final NetworkCore core;
    private final HttpExchange exchange;

    BackendConnectorImpl(NetworkCore core, HttpExchange exchange) {
        this.core = core;
        this.exchange = exchange;
    }

    @Override
    public void connect(String host, int port, ConnectOptions options, ConnectHandler handler) {
        if (options.tls()) {
            handler.failed(new IOException("TLS to backends (https://, wss://) is not available in this version"), false);
            return;
        }
        String key = host + ":" + port;
        if (IPV4.matcher(host).matches() || host.indexOf(':') >= 0) {
            try {
                String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
                open(new InetSocketAddress(InetAddress.getByName(literal), port), key, options, handler);
            } catch (UnknownHostException e) {
                handler.failed(e, false);
            }
            return;
        }
        core.resolver().execute(() -> {
            InetSocketAddress address;
            try {
                address = new InetSocketAddress(InetAddress.getByName(host), port);
            } catch (UnknownHostException e) {
                exchange.execute(() -> handler.failed(e, false));
                return;
            }
            open(address, key, options, handler);
        });
    }

    private void open(InetSocketAddress address, String key, ConnectOptions options, ConnectHandler handler) {
        BackendConnectionImpl[] made = new BackendConnectionImpl[1];
        int affinity = exchange.affinity();
        ConnectFuture future = core.connector().connect(address, (session, f) -> {
            session.setAttribute(ProcessorPool.AFFINITY, affinity);
            made[0] = new BackendConnectionImpl(session, key);
            session.setAttribute(BackendIoHandler.CONNECTION, made[0]);
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
