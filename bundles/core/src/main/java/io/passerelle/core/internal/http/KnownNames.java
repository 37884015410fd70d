package io.passerelle.core.internal.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The strings a head is mostly made of (methods, versions, common field names in the case clients and servers send
 * them), handed out as one shared instance each instead of a new string per head: fewer allocations per request,
 * and an idle tunnel's kept head holds only the values that are its own. A name is taken only when its bytes are
 * exactly those of a known one (case included: a field name is passed on as it was sent); anything else is a new
 * string. Lookups hash the bytes the way {@link String#hashCode()} hashes a Latin-1 string, in a table built once.
 */
final class KnownNames {

    private static final String[] NAMES = {
        // methods and versions
        "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE", "HTTP/1.1", "HTTP/1.0",
        // request fields
        "Host", "User-Agent", "Accept", "Accept-Encoding", "Accept-Language", "Accept-Charset", "Connection",
        "Upgrade", "Content-Length", "Content-Type", "Cookie", "Referer", "Origin", "Authorization", "Cache-Control",
        "Pragma", "Expect", "Transfer-Encoding", "TE", "Keep-Alive", "Range", "If-None-Match", "If-Modified-Since",
        "If-Match", "If-Unmodified-Since", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host",
        "X-Forwarded-Port", "X-Real-IP", "X-Requested-With", "Forwarded", "Via", "DNT", "Priority",
        "Upgrade-Insecure-Requests", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions",
        "Sec-WebSocket-Protocol", "Sec-Fetch-Dest", "Sec-Fetch-Mode", "Sec-Fetch-Site", "Sec-Fetch-User",
        // response fields
        "Date", "Server", "Set-Cookie", "Location", "Last-Modified", "ETag", "Expires", "Age", "Vary",
        "Content-Encoding", "Content-Language", "Content-Range", "Content-Disposition", "Accept-Ranges",
        "Sec-WebSocket-Accept", "Strict-Transport-Security", "WWW-Authenticate", "Retry-After", "Allow",
        "Access-Control-Allow-Origin", "X-Content-Type-Options", "X-Frame-Options", "Alt-Svc", "Trailer",
        // the same in lower case (HTTP/2-minded clients, some libraries)
        "host", "user-agent", "accept", "accept-encoding", "accept-language", "connection", "upgrade",
        "content-length", "content-type", "cookie", "referer", "origin", "authorization", "cache-control",
        "transfer-encoding", "te", "keep-alive", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host",
        "x-real-ip", "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions",
        "sec-websocket-protocol", "sec-websocket-accept", "date", "server", "set-cookie", "location", "etag",
        "last-modified", "vary", "content-encoding", "expires", "age", "accept-ranges", "via", "priority",
    };
    private static final int MASK = 511;
    private static final String[] TABLE = new String[MASK + 1];
    private static final byte[][] BYTES = new byte[MASK + 1][];

    static {
        for (String name : NAMES) {
            int i = name.hashCode() & MASK;
            while (TABLE[i] != null) {
                if (TABLE[i].equals(name)) {
                    throw new IllegalStateException("twice: " + name);
                }
                i = (i + 1) & MASK;
            }
            TABLE[i] = name;
            BYTES[i] = name.getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    private KnownNames() {
    }

    /** {@code bytes[offset, offset + length)} as a string: the shared instance when it is a known name. */
    static String of(byte[] bytes, int offset, int length) {
        int h = 0;
        for (int i = offset, end = offset + length; i < end; i++) {
            h = 31 * h + (bytes[i] & 0xff);
        }
        for (int i = h & MASK; TABLE[i] != null; i = (i + 1) & MASK) {
            byte[] known = BYTES[i];
            if (known.length == length && Arrays.equals(known, 0, length, bytes, offset, offset + length)) {
                return TABLE[i];
            }
        }
        return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    }
}
