package io.passerelle.api.spi;

import java.net.URI;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What a {@link LbMethod} sees of a balancer member (httpd's worker). The figures are live; the
 * {@link #lbStatus} is the method's own scratch value, kept across reconfigurations.
 */
@ProviderType
public interface LbMember {

    URI url();

    /** The member's {@code route} (for stickiness), or the empty string. */
    String route();

    /** httpd's {@code loadfactor}, 1 to 100. */
    int loadFactor();

    /** Times this member was chosen. */
    long elected();

    /** Requests in flight plus open tunnels. */
    long busy();

    /** Bytes sent to this member (request bodies, tunnel bytes from clients). */
    long bytesToMember();

    /** Bytes received from this member (response bodies, tunnel bytes to clients). */
    long bytesFromMember();

    /** The method's scratch value (httpd's {@code lbstatus}); 0 at first. */
    long lbStatus();

    void lbStatus(long value);
}
