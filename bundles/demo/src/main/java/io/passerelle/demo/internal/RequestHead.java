package io.passerelle.demo.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A parsed request head, headers kept in arrival order with their original spelling.
 *
 * @param contentLength body length, 0 without a body, -1 when the body is chunked
 */
record RequestHead(String requestLine, String method, String target, String version,
                   List<Header> headers, long contentLength) {

    record Header(String name, String value) {
    }

    RequestHead {
        headers = List.copyOf(headers);
    }

    boolean chunked() {
        return contentLength < 0;
    }

    boolean hasBody() {
        return contentLength != 0;
    }

    boolean http11() {
        return "HTTP/1.1".equals(version);
    }

    /** HTTP/1.1 is persistent unless "close"; HTTP/1.0 only with "keep-alive". */
    boolean keepAlive() {
        return http11() ? !hasToken("Connection", "close") : hasToken("Connection", "keep-alive");
    }

    /** The first value of the named header, or null. */
    String header(String name) {
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }

    /** The comma-separated elements of all the named headers, trimmed, in order, original case. */
    List<String> elements(String name) {
        List<String> out = new ArrayList<>();
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                for (String element : h.value().split(",")) {
                    String e = element.trim();
                    if (!e.isEmpty()) {
                        out.add(e);
                    }
                }
            }
        }
        return out;
    }

    boolean hasToken(String name, String token) {
        for (String element : elements(name)) {
            if (element.toLowerCase(Locale.ROOT).equals(token.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /** The path of the target, without query or fragment; absolute-form targets are reduced to their path. */
    String path() {
        String t = target;
        int scheme = t.indexOf("://");
        if (!t.startsWith("/") && scheme > 0) {
            int slash = t.indexOf('/', scheme + 3);
            t = slash < 0 ? "/" : t.substring(slash);
        }
        int end = t.length();
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        return t.substring(0, end);
    }
}
