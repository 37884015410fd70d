package io.passerelle.api;

import org.osgi.annotation.versioning.ProviderType;

/** One module's use of the {@link HttpForwarder}: its pools, exchanges in flight and tunnels. */
@ProviderType
public interface Forwarding extends AutoCloseable {

    /**
     * Forwards the exchange to {@code target}, whose URL must be {@code http://} or {@code https://}.
     *
     * @param upgrade          the {@code Upgrade} value to send to the backend with {@code Connection: Upgrade},
     *                         or null to forward no upgrade; a {@code 101} answering the same protocol turns
     *                         the exchange into a tunnel, another {@code 101} is a {@code 502}
     * @param tunnelIdleMillis the idle timeout of that tunnel (0: none)
     */
    void forward(Exchange exchange, ProxyTarget target, String upgrade, long tunnelIdleMillis);

    /** New settings for exchanges from now on. */
    void update(ForwardSettings settings);

    /**
     * Ends every exchange in flight ({@code 503} if nothing was answered yet), closes every tunnel and pooled
     * connection this context opened.
     */
    @Override
    void close();
}
