package io.passerelle.core.internal.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.core.internal.config.ConfigException;
import io.passerelle.core.internal.config.ConfigSource;

/**
 * One listening socket per {@code io.passerelle.listener} factory configuration. A change of address or TLS
 * binds the new socket first, then closes the old one; connections already accepted keep going.
 */
@Component(configurationPid = ListenerComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = ListenerConfig.class, factory = true)
public final class ListenerComponent {

    static final String PID = "io.passerelle.listener";
    private static final Logger LOG = LoggerFactory.getLogger(ListenerComponent.class);

    private final NetworkCore core;
    private final Dispatcher dispatcher;
    private final AccessLog accessLog;
    private final ListenerRegistry registry;
    private ListenerRuntime runtime;
    private NioSocketAcceptor acceptor;
    private String registeredAs;

    @Activate
    public ListenerComponent(@Reference NetworkCore core, @Reference Dispatcher dispatcher,
            @Reference AccessLog accessLog, @Reference ListenerRegistry registry, Map<String, Object> props) {
        this.core = core;
        this.dispatcher = dispatcher;
        this.accessLog = accessLog;
        this.registry = registry;
        apply(props);
    }

    @Modified
    public synchronized void modified(Map<String, Object> props) {
        apply(props);
    }

    private synchronized void apply(Map<String, Object> props) {
        ConfigSource source = ConfigSource.of(PID, props);
        ListenerSpec spec;
        try {
            spec = ListenerSpec.from(source);
        } catch (ConfigException e) {
            LOG.error(e.describe(source));
            return;
        }
        if (runtime != null && runtime.spec().sameSocket(spec)) {
            runtime.spec(spec);
            register(spec.name());
            return;
        }
        ListenerRuntime next = new ListenerRuntime(spec.name(), spec, core, dispatcher, accessLog);
        NioSocketAcceptor nextAcceptor;
        try {
            nextAcceptor = bind(next, spec);
        } catch (ConfigException e) {
            LOG.error(e.describe(source));
            return;
        } catch (IOException e) {
            LOG.error("Invalid configuration {}: key 'port': cannot listen on {}:{}: {} (the previous configuration, if any, stays in force)",
                    source.origin(), spec.host(), spec.port(), e.getMessage());
            return;
        }
        NioSocketAcceptor old = acceptor;
        acceptor = nextAcceptor;
        runtime = next;
        register(spec.name());
        if (old != null) {
            old.unbind();
            old.dispose(false);
        }
        LOG.info("Listener {} on {}:{}{}", spec.name(), spec.host(), spec.port(), spec.tls() ? " (TLS)" : "");
    }

    private NioSocketAcceptor bind(ListenerRuntime rt, ListenerSpec spec) throws IOException {
        NioSocketAcceptor a = new NioSocketAcceptor(core.processors());
        a.setReuseAddress(true);
        a.setBacklog(1024);
        a.setCloseOnDeactivation(false);
        a.getSessionConfig().setTcpNoDelay(true);
        NetworkCore.withoutServiceStatistics(a);
        if (spec.tls()) {
            a.getFilterChain().addLast("tls", new InlineTlsFilter(serverContext(spec)));
        }
        a.setHandler(new FrontIoHandler(rt));
        try {
            a.bind(new InetSocketAddress(spec.host(), spec.port()));
        } catch (IOException | RuntimeException e) {
            a.dispose(false);
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        rt.acceptor(a);
        return a;
    }

    private static SSLContext serverContext(ListenerSpec spec) {
        char[] password = spec.keystorePassword() == null ? new char[0] : spec.keystorePassword().toCharArray();
        try (InputStream in = Files.newInputStream(Path.of(spec.keystore()))) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("tls.keystore", "cannot load '" + spec.keystore() + "': " + e.getMessage());
        }
    }

    private void register(String name) {
        if (registeredAs != null && !registeredAs.equals(name)) {
            registry.remove(registeredAs, runtime);
        }
        registeredAs = name;
        registry.put(name, runtime);
    }

    @Deactivate
    public synchronized void deactivate() {
        if (registeredAs != null) {
            registry.remove(registeredAs, runtime);
        }
        if (acceptor != null) {
            acceptor.setCloseOnDeactivation(true);
            acceptor.unbind();
            acceptor.dispose(false);
            LOG.info("Listener {} closed", runtime.name());
        }
    }
}
