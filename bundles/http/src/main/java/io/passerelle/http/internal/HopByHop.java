package io.passerelle.http.internal;

import java.util.List;

import io.passerelle.api.HttpFields;

/** Removes hop-by-hop fields (RFC 9110 §7.6.1): the fixed ones and those the Connection field names. */
final class HopByHop {

    private static final List<String> FIXED = List.of("Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer",
            "Transfer-Encoding", "Upgrade", "Proxy-Authenticate", "Proxy-Authorization");

    private HopByHop() {
    }

    static void strip(HttpFields f) {
        for (String named : f.tokens("Connection")) {
            if (!named.equals("close") && !named.equals("keep-alive") && !named.equals("upgrade")) {
                f.remove(named);
            }
        }
        for (String name : FIXED) {
            f.remove(name);
        }
    }
}
