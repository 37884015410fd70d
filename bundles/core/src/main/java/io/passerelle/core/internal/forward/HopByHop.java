package io.passerelle.core.internal.forward;

import java.util.List;
import java.util.Locale;

import io.passerelle.api.HttpFields;

/** Removes hop-by-hop fields (RFC 9110 §7.6.1): the fixed ones and those the Connection field names. */
final class HopByHop {

    private HopByHop() {
    }

    static void strip(HttpFields f) {
        List<String> named = f.tokens("Connection");
        f.removeIf(name -> isFixed(name) || (!named.isEmpty() && named.contains(name.toLowerCase(Locale.ROOT))));
    }

    /** One of the fixed names, ignoring case; the first letter picks the few candidates (a name per field). */
    static boolean isFixed(String name) {
        if (name.isEmpty()) {
            return false;
        }
        return switch (name.charAt(0) | 0x20) {
            case 'c' -> name.equalsIgnoreCase("Connection");
            case 'k', '\u212A' -> name.equalsIgnoreCase("Keep-Alive"); // U+212A, the Kelvin sign, is a k to it
            case 'p' -> name.equalsIgnoreCase("Proxy-Connection") || name.equalsIgnoreCase("Proxy-Authenticate")
                    || name.equalsIgnoreCase("Proxy-Authorization");
            case 't' -> name.equalsIgnoreCase("TE") || name.equalsIgnoreCase("Trailer")
                    || name.equalsIgnoreCase("Transfer-Encoding");
            case 'u' -> name.equalsIgnoreCase("Upgrade");
            default -> false;
        };
    }
}
