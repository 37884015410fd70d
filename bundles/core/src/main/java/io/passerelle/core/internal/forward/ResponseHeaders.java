package io.passerelle.core.internal.forward;

import java.net.URI;

import io.passerelle.api.ClientInfo;
import io.passerelle.api.HttpFields;
import io.passerelle.api.ProxyTarget;
import io.passerelle.api.RequestHead;

/** The response head sent to the client: hop-by-hop removed, Via, and ProxyPassReverse. */
final class ResponseHeaders {

    private static final String[] REVERSED = {"Location", "Content-Location", "URI"};

    private ResponseHeaders() {
    }

    static HttpFields forClient(HttpFields backend, RequestHead request, ClientInfo client, ProxyTarget target,
            boolean via, boolean keepUpgrade) {
        HttpFields f = backend; // the backend's head belongs to this exchange: edited in place
        String upgrade = keepUpgrade ? f.get("Upgrade") : null;
        HopByHop.strip(f);
        if (upgrade != null) {
            f.add("Connection", "Upgrade");
            f.add("Upgrade", upgrade);
        }
        if (via) {
            String prior = f.get("Via");
            f.set("Via", prior == null ? RequestHeaders.VIA : prior + ", " + RequestHeaders.VIA);
        }
        if (target.route().options().reverse() && target.route().frontPrefix() != null && target.route().url() != null) {
            for (String name : REVERSED) {
                String v = f.get(name);
                if (v != null) {
                    String mapped = reverse(v, target.route().url(), target.route().frontPrefix(), request, client);
                    if (mapped != null) {
                        f.set(name, mapped);
                    }
                }
            }
        }
        return f;
    }

    /**
     * Maps a backend URL under the route's URL back to the front: {@code http://backend:9080/app/x} with route
     * {@code /front/ -> http://backend:9080/app/} becomes {@code http://<Host>/front/x}.
     *
     * @return the mapped value, or null when it is not under the route's URL
     */
    static String reverse(String value, URI routeUrl, String frontPrefix, RequestHead request, ClientInfo client) {
        String base = routeUrl.toString();
        String rest;
        if (value.startsWith(base)) {
            rest = value.substring(base.length());
        } else {
            String noSlash = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
            String explicit = withDefaultPort(routeUrl);
            if (value.equals(noSlash)) {
                rest = "";
            } else if (explicit != null && value.startsWith(explicit)) {
                rest = value.substring(explicit.length());
            } else {
                return null;
            }
        }
        String host = request.headers().get("Host");
        if (host == null) {
            host = client.local().getHostString() + ":" + client.local().getPort();
        }
        String prefix = frontPrefix;
        if (prefix.endsWith("/") && rest.startsWith("/")) {
            rest = rest.substring(1);
        } else if (!prefix.endsWith("/") && !rest.isEmpty() && !rest.startsWith("/") && !rest.startsWith("?")) {
            rest = "/" + rest;
        }
        return client.scheme() + "://" + host + prefix + rest;
    }

    private static String withDefaultPort(URI u) {
        if (u.getPort() >= 0) {
            return null;
        }
        int port = u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        return u.getScheme() + "://" + u.getHost() + ":" + port + (u.getRawPath() == null ? "" : u.getRawPath());
    }
}
