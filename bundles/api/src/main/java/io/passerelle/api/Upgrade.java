package io.passerelle.api;

import java.util.Locale;

import io.passerelle.common.http.Tokens;

/**
 * Which {@code Upgrade} protocol a route may tunnel (SPEC §4.2 {@code upgrade}): one protocol name,
 * {@link #ANY} (whatever the client asks is forwarded) or {@link #NONE} (the client's header is not checked and
 * {@code Upgrade: websocket} is sent), as httpd's {@code ProxyPass ... upgrade=}.
 *
 * @param kind     which of the three
 * @param protocol the protocol name for {@link Kind#PROTOCOL}, else null
 * @since 2.0
 */
public record Upgrade(Kind kind, String protocol) {

    /** The three forms of the {@code upgrade} key. */
    public enum Kind { PROTOCOL, ANY, NONE }

    public static final Upgrade ANY = new Upgrade(Kind.ANY, null);
    public static final Upgrade NONE = new Upgrade(Kind.NONE, null);
    public static final Upgrade WEBSOCKET = new Upgrade(Kind.PROTOCOL, "websocket");

    public Upgrade {
        if ((kind == Kind.PROTOCOL) == (protocol == null)) {
            throw new IllegalArgumentException("a protocol name goes with Kind.PROTOCOL only");
        }
    }

    /**
     * The key's value: {@code ANY} and {@code NONE} in any case, else a protocol name (kept as written).
     *
     * @throws IllegalArgumentException when it is not a protocol name (RFC 9110 token, optionally {@code /version})
     */
    public static Upgrade of(String value) {
        String v = value.trim();
        if (v.equalsIgnoreCase("ANY")) {
            return ANY;
        }
        if (v.equalsIgnoreCase("NONE")) {
            return NONE;
        }
        int slash = v.indexOf('/');
        if (!Tokens.isToken(slash < 0 ? v : v.substring(0, slash)) || (slash >= 0 && !Tokens.isToken(v.substring(slash + 1)))) {
            throw new IllegalArgumentException("'" + value + "' is not a protocol name, ANY or NONE");
        }
        return new Upgrade(Kind.PROTOCOL, v);
    }

    /** What a backend of this scheme allows without an {@code upgrade} key: {@code websocket} for ws/wss. */
    public static Upgrade defaultFor(String scheme) {
        String s = scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
        return s.equals("ws") || s.equals("wss") ? WEBSOCKET : null;
    }

    /**
     * The {@code Upgrade} value to send to the backend for a request with these headers, or null when the request
     * is no upgrade this allows. A request asks for an upgrade with {@code Connection: upgrade} and an
     * {@code Upgrade} list (RFC 9110 §7.8); one of its protocols must be this one (httpd's
     * {@code ap_proxy_worker_can_upgrade}). The client's value is forwarded as sent.
     */
    public String forward(HttpFields request) {
        if (kind == Kind.NONE) {
            return "websocket";
        }
        String asked = request.get("Upgrade");
        if (asked == null || !request.containsToken("Connection", "upgrade")) {
            return null;
        }
        return kind == Kind.ANY || HttpFields.listContains(asked, protocol) ? asked : null;
    }

    /** As the key is written: {@code ANY}, {@code NONE} or the protocol. */
    @Override
    public String toString() {
        return kind == Kind.PROTOCOL ? protocol : kind.name();
    }
}
