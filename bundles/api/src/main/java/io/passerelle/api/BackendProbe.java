package io.passerelle.api;

import java.net.URI;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Checks a backend the way the proxy's own traffic reaches it: over the core's connections, with the TLS
 * settings (trust store, verification, SNI) of the routes that send to it. The balancer's active health checks
 * (httpd's mod_proxy_hcheck) use it, so a member behind a private CA is checked against the same trust store as
 * the requests it serves. Registered by the core.
 *
 * @since 2.0
 */
@ProviderType
public interface BackendProbe {

    /**
     * Probes a backend without blocking the caller.
     *
     * @param backend       the backend's URL ({@code http}, {@code https}, {@code ws} or {@code wss}): its host and
     *                      port are checked, with TLS for {@code https} and {@code wss}
     * @param via           the URL the routes that send to this backend name, e.g. {@code balancer://cluster}: the
     *                      TLS settings are those of the first route, in evaluation order, whose {@code url} has this
     *                      scheme and host (the JDK's trust store, verified, when no route has)
     * @param method        {@code TCP} (connect only), or an HTTP method sent with {@code path} (over TLS for a TLS
     *                      backend) whose answer must be 2xx or 3xx
     * @param path          the path requested by an HTTP probe
     * @param timeoutMillis the whole probe must end within it
     * @return completes with the verdict; never completes exceptionally
     */
    CompletionStage<ProbeResult> probe(URI backend, URI via, String method, String path, long timeoutMillis);

    /**
     * A probe's verdict.
     *
     * @param passed whether the backend passed
     * @param reason why it did not (empty when it passed)
     */
    record ProbeResult(boolean passed, String reason) {

        public static final ProbeResult PASSED = new ProbeResult(true, "");

        public static ProbeResult failed(String reason) {
            return new ProbeResult(false, reason);
        }
    }
}
