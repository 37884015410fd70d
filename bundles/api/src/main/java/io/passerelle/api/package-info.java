/**
 * Passerelle's exported API.
 *
 * <p>Modules meet only through the services declared here:
 * <ul>
 *   <li>{@link io.passerelle.api.SchemeHandler} – serves the requests whose backend URL has a given
 *       scheme ({@code scheme} service property), e.g. {@code http}, {@code ws}, {@code balancer};</li>
 *   <li>{@link io.passerelle.api.RequestHook} – the translate phase (rewrite rules run here);</li>
 *   <li>{@link io.passerelle.api.ProxyStatus} – read-only figures of the core (routes, listeners) for
 *       shells and JMX;</li>
 *   <li>{@link io.passerelle.api.BalancerControl} – the balancer module's figures and runtime member
 *       control, for shells and JMX.</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * Every callback concerning one {@link io.passerelle.api.Exchange} (body data, drain notifications,
 * backend events, timers) runs serially in the exchange's context, normally on the MINA I/O thread of
 * its client connection. Handlers never block there and call the exchange and its backend connections
 * only from inside such callbacks, or through {@link io.passerelle.api.Exchange#execute(Runnable)}.
 *
 * <h2>Decorating an exchange</h2>
 * A handler that hands an exchange on to another handler (the balancer hands it to a member's scheme
 * handler) may pass an {@link io.passerelle.api.ExchangeWrapper} to watch or intercept the response; the
 * core unwraps it wherever it needs its own exchange (binding backend connections, tunnels).
 *
 * <h2>Buffers</h2>
 * A {@link java.nio.ByteBuffer} handed to a receiver belongs to the receiver; a buffer handed to a
 * {@code write} belongs to the core from then on. Relaying a received buffer to a write is therefore
 * zero-copy and safe.
 */
@Version("1.1.0")
package io.passerelle.api;

import org.osgi.annotation.versioning.Version;
