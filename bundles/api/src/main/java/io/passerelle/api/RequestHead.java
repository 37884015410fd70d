package io.passerelle.api;

/**
 * A parsed request head.
 *
 * @param method  the method token, case as sent
 * @param target  the request target as sent on the request line
 * @param path    the normalised path: dot-segments resolved, unreserved characters decoded; always starts with '/'
 * @param query   the query string without '?', or null when there is none
 * @param version {@code HTTP/1.1} or {@code HTTP/1.0} (an HTTP/2 front end reports {@code HTTP/2})
 * @param headers the header fields as received (the handler may change its own copy)
 */
public record RequestHead(String method, String target, String path, String query, String version, HttpFields headers) {

    /** The path followed by {@code ?query} when there is one. */
    public String pathAndQuery() {
        return query == null ? path : path + '?' + query;
    }

    public boolean isHead() {
        return "HEAD".equals(method);
    }

    /** The same head with another path and query (the headers are shared, not copied). */
    public RequestHead withPath(String newPath, String newQuery) {
        return new RequestHead(method, target, newPath, newQuery, version, headers);
    }
}
