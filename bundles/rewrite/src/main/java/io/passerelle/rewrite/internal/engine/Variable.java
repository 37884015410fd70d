package io.passerelle.rewrite.internal.engine;

import java.util.Locale;

/** The server variables of mod_rewrite that {@code %{NAME}} expands (server context). */
public enum Variable {
    /** {@code %{HTTP:header}}: any request header (repeated fields joined with {@code ", "}). */
    HTTP_HEADER,
    HTTP_HOST, HTTP_USER_AGENT, HTTP_REFERER, HTTP_COOKIE, HTTP_ACCEPT, HTTP_FORWARDED, HTTP_PROXY_CONNECTION,
    REQUEST_URI, REQUEST_METHOD, QUERY_STRING, THE_REQUEST, REQUEST_FILENAME, SCRIPT_FILENAME,
    REMOTE_ADDR, REMOTE_HOST, REMOTE_PORT, REMOTE_USER, REMOTE_IDENT, AUTH_TYPE,
    SERVER_NAME, SERVER_PORT, SERVER_ADDR, SERVER_PROTOCOL, SERVER_SOFTWARE, SERVER_ADMIN,
    HTTPS, REQUEST_SCHEME, IS_SUBREQ, API_VERSION, DOCUMENT_ROOT, CONTEXT_PREFIX, CONTEXT_DOCUMENT_ROOT, PATH_INFO,
    /** {@code %{ENV:var}}: a variable set by {@code [E=var:val]}, else the process environment. */
    ENV,
    /** {@code %{SSL:var}}: not available here, always empty. */
    SSL,
    TIME, TIME_YEAR, TIME_MON, TIME_DAY, TIME_HOUR, TIME_MIN, TIME_SEC, TIME_WDAY,
    /** A name httpd does not know: expands to the empty string, as in httpd. */
    UNKNOWN;

    /** A parsed {@code %{...}} reference. */
    public record Ref(Variable variable, String arg, String text) {
    }

    /** Parses what stands between {@code %{} and {@code }}. */
    public static Ref parse(String text) {
        int colon = text.indexOf(':');
        if (colon > 0) {
            String prefix = text.substring(0, colon).toUpperCase(Locale.ROOT);
            String arg = text.substring(colon + 1);
            switch (prefix) {
                case "HTTP":
                    return new Ref(HTTP_HEADER, arg, text);
                case "ENV":
                    return new Ref(ENV, arg, text);
                case "SSL":
                    return new Ref(SSL, arg, text);
                case "LA-U":
                case "LA-F":
                    // look-ahead: no sub-requests here, the variable's current value is the answer
                    return parse(arg);
                default:
                    return new Ref(UNKNOWN, null, text);
            }
        }
        try {
            Variable v = valueOf(text.toUpperCase(Locale.ROOT));
            if (v == HTTP_HEADER || v == ENV || v == SSL || v == UNKNOWN) {
                return new Ref(UNKNOWN, null, text);
            }
            return new Ref(v, null, text);
        } catch (IllegalArgumentException e) {
            return new Ref(UNKNOWN, null, text);
        }
    }
}
