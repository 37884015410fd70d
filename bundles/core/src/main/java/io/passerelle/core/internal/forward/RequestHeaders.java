package io.passerelle.core.internal.forward;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;

import io.passerelle.api.ClientInfo;
import io.passerelle.api.HttpFields;
import io.passerelle.api.ProxyTarget;
import io.passerelle.api.RequestHead;
import io.passerelle.core.internal.http.PathNormalizer;

/** The request head sent to the backend: hop-by-hop removed, Host, X-Forwarded-*, Forwarded, Via, framing. */
final class RequestHeaders {

    static final String VIA = "1.1 passerelle";

    private RequestHeaders() {
    }

    /**
     * @param upgrade the client's {@code Upgrade} value to forward for a tunnel, or null
     */
    static RequestHead forBackend(RequestHead client, ClientInfo from, ProxyTarget target, long bodyLength,
            boolean via, String upgrade) {
        HttpFields f = client.headers().copy();
        String clientHost = f.get("Host");
        HopByHop.strip(f);
        f.remove("Expect");
        f.remove("Content-Length");
        if (!target.route().options().preserveHost() || clientHost == null) {
            f.set("Host", authority(target.url()));
        }
        if (bodyLength > 0) {
            f.add("Content-Length", Long.toString(bodyLength));
        } else if (bodyLength < 0) {
            f.add("Transfer-Encoding", "chunked");
        } else if (client.headers().contains("Content-Length")) {
            f.add("Content-Length", "0");
        }
        if (target.route().options().addHeaders()) {
            String ip = from.remote().getAddress().getHostAddress();
            String xff = f.get("X-Forwarded-For");
            f.set("X-Forwarded-For", xff == null ? ip : xff + ", " + ip);
            if (clientHost != null) {
                f.set("X-Forwarded-Host", clientHost);
            }
            f.set("X-Forwarded-Proto", from.scheme());
            StringBuilder fwd = new StringBuilder("for=").append(node(from.remote().getAddress()));
            if (clientHost != null) {
                fwd.append(";host=").append(quoteIfNeeded(clientHost));
            }
            fwd.append(";proto=").append(from.scheme());
            String prior = f.get("Forwarded");
            f.set("Forwarded", prior == null ? fwd.toString() : prior + ", " + fwd);
        }
        if (via) {
            String prior = f.get("Via");
            f.set("Via", prior == null ? VIA : prior + ", " + VIA);
        }
        if (upgrade != null) {
            f.add("Connection", "Upgrade");
            f.add("Upgrade", upgrade);
        }
        String path = target.backendPathAndQuery();
        return new RequestHead(client.method(), path, target.url().getRawPath(), target.url().getRawQuery(), "HTTP/1.1", f);
    }

    /**
     * Whether the head can go on the wire as it is: no CR, LF or NUL in its request line or any field, whatever a
     * hook, a template or a handler put there (SPEC §8; httpd's CVE-2023-25690 came through exactly this).
     */
    static boolean safe(RequestHead head) {
        if (PathNormalizer.hasRawControl(head.method()) || PathNormalizer.hasRawControl(head.target())) {
            return false;
        }
        for (HttpFields.Field f : head.headers()) {
            if (PathNormalizer.hasRawControl(f.name()) || PathNormalizer.hasRawControl(f.value())) {
                return false;
            }
        }
        return true;
    }

    /** {@code host[:port]} of a URL, without the scheme's default port. */
    static String authority(URI url) {
        String host = url.getHost();
        int port = url.getPort();
        String scheme = url.getScheme().toLowerCase();
        boolean defaultPort = port < 0 || (port == 80 && (scheme.equals("http") || scheme.equals("ws")))
                || (port == 443 && (scheme.equals("https") || scheme.equals("wss")));
        return defaultPort ? host : host + ":" + port;
    }

    private static String node(InetAddress a) {
        return a instanceof Inet6Address ? "\"[" + a.getHostAddress() + "]\"" : a.getHostAddress();
    }

    private static String quoteIfNeeded(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (!(Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0)) {
                return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            }
        }
        return v;
    }
}
