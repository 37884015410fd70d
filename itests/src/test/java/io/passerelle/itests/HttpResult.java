package io.passerelle.itests;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP response as the client saw it.
 *
 * @param status  the status code
 * @param headers header fields by lower-case name, in arrival order
 * @param body    the body, de-chunked, decoded as UTF-8
 */
public record HttpResult(int status, Map<String, List<String>> headers, String body) {

    /** The first value of a header field, or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public String toString() {
        String shown = body.length() > 200 ? body.substring(0, 200) + "..." : body;
        return status + " " + headers + " body='" + shown + "'";
    }
}
