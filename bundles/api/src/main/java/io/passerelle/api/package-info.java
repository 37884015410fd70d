/**
 * Passerelle's exported API: what another bundle, ours or a third party's, is meant to use.
 *
 * <p>Modules meet only through the services declared here:
 * <ul>
 *   <li>{@link io.passerelle.api.SchemeHandler} – serves the requests whose backend URL has a given
 *       scheme ({@code scheme} service property), e.g. {@code http}, {@code ws}, {@code balancer};</li>
 *   <li>{@link io.passerelle.api.RequestHook} – the translate phase (rewrite rules run here);</li>
 *   <li>{@link io.passerelle.api.HttpForwarder} – the core's HTTP/1.1 forwarding engine (what mod_proxy's
 *       connection code and mod_proxy_http share in httpd), used by the http and wstunnel modules;</li>
 *   <li>{@link io.passerelle.api.BackendProbe} – checks a backend over the core's connections (health
 *       checks);</li>
 *   <li>{@link io.passerelle.api.ProxyStatus} – read-only figures of the core (routes, listeners, tunnels)
 *       for shells, JMX and status pages.</li>
 * </ul>
 * Each other type here is a value those services take or give. A module's own control interface lives in that
 * module's own exported package ({@code io.passerelle.balancer.api}); the extension points looked up by a
 * service property are in {@link io.passerelle.api.spi}.
 *
 * <h2>Threading</h2>
 * Every callback concerning one {@link io.passerelle.api.Exchange} (body data, drain notifications,
 * completion) runs serially in the exchange's context, normally on the MINA I/O thread of its client
 * connection. Handlers never block there and call the exchange only from inside such callbacks.
 *
 * <h2>Decorating an exchange</h2>
 * A handler that hands an exchange on to another handler (the balancer hands it to a member's scheme
 * handler) may pass an {@link io.passerelle.api.ExchangeWrapper} to watch or intercept the response; the
 * core recognises the exchange by its {@link io.passerelle.api.Exchange#client() client}.
 *
 * <h2>Buffers</h2>
 * A {@link java.nio.ByteBuffer} handed to a receiver belongs to the receiver; a buffer handed to a
 * {@code write} belongs to the core from then on. Relaying a received buffer to a write is therefore
 * zero-copy and safe.
 */
@Version("2.1.0")
package io.passerelle.api;

import org.osgi.annotation.versioning.Version;
