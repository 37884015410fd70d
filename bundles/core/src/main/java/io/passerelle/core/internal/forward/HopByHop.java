package io.passerelle.core.internal.forward;

import java.util.List;
import java.util.Locale;

import io.passerelle.api.HttpFields;

/** Removes hop-by-hop fields (RFC 9110 §7.6.1): the fixed ones and those the Connection field names. */
final class HopByHop {

    private static final List<String> FIXED = List.of("Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer",
            "Transfer-Encoding", "Upgrade", "Proxy-Authenticate", "Proxy-Authorization");

    private HopByHop() {
    }

    static void strip(HttpFields f) {
        List<String> named = f.tokens("Connection");
        f.removeIf(name -> isFixed(name) || (!named.isEmpty() && named.contains(name.toLowerCase(Locale.ROOT))));
    }

    private static boolean isFixed(String name) {
        for (int i = 0, n = FIXED.size(); i < n; i++) {
            if (FIXED.get(i).equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}
