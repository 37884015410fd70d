package io.passerelle.demo.internal;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import io.passerelle.common.http.Reasons;

/** Maps a request to the {@link Exchange} that answers it: the demo backend's resource table. */
final class HttpResources {

    static final long MAX_BYTES = 8L * 1024 * 1024 * 1024;
    static final int BIG = 1024 * 1024;
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,11}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");

    private final byte[] page = DemoPage.bytes();
    private final byte[] small = smallBody();
    private final PatternBytes pattern = new PatternBytes();

    Exchange open(RequestHead request, ResponseWriter w) {
        String method = request.method();
        boolean get = method.equals("GET") || method.equals("HEAD");
        String path = request.path();
        if (path.equals("/") || path.equals("/index.html")) {
            return get ? () -> w.respond(200, "text/html; charset=utf-8", page) : notAllowed(w, "GET, HEAD");
        }
        if (path.equals("/small")) {
            return get ? () -> w.respond(200, TEXT, small) : notAllowed(w, "GET, HEAD");
        }
        if (path.equals("/big")) {
            return get ? new PatternExchange(w, pattern, BIG, false) : notAllowed(w, "GET, HEAD");
        }
        if (path.startsWith("/bytes/") || path.startsWith("/chunked/")) {
            String n = path.substring(path.indexOf('/', 1) + 1);
            if (!NUMBER.matcher(n).matches()) {
                return text(w, 404, "Not found: the length must be a decimal number\n");
            }
            long length = Long.parseLong(n);
            if (length > MAX_BYTES) {
                return text(w, 400, "The length must be at most " + MAX_BYTES + "\n");
            }
            return get ? new PatternExchange(w, pattern, length, path.startsWith("/chunked/"))
                    : notAllowed(w, "GET, HEAD");
        }
        if (path.equals("/sha256")) {
            return method.equals("POST") || method.equals("PUT") ? new Sha256Exchange(w) : notAllowed(w, "POST, PUT");
        }
        if (path.equals("/echo")) {
            return method.equals("POST") || method.equals("PUT") ? new EchoExchange(w) : notAllowed(w, "POST, PUT");
        }
        if (path.equals("/headers")) {
            return () -> w.respond(200, "text/plain; charset=iso-8859-1", headersDump(request));
        }
        if (path.startsWith("/status/")) {
            String code = path.substring("/status/".length());
            if (code.matches("[2-5][0-9][0-9]")) {
                int status = Integer.parseInt(code);
                return text(w, status, status + " " + Reasons.of(status) + "\n");
            }
        }
        if (path.equals("/redirect")) {
            String location = "http://" + host(request, w) + "/small";
            return get ? () -> w.respond(302, TEXT, ("Redirecting to " + location + "\n").getBytes(StandardCharsets.UTF_8),
                    "Location", location) : notAllowed(w, "GET, HEAD");
        }
        return text(w, 404, "Not found\n");
    }

    private static Exchange text(ResponseWriter w, int status, String body) {
        return () -> w.respond(status, TEXT, body.getBytes(StandardCharsets.UTF_8));
    }

    private static Exchange notAllowed(ResponseWriter w, String allow) {
        return () -> w.respond(405, TEXT, "Method not allowed\n".getBytes(StandardCharsets.UTF_8), "Allow", allow);
    }

    private static byte[] headersDump(RequestHead request) {
        StringBuilder sb = new StringBuilder(request.requestLine()).append('\n');
        for (RequestHead.Header h : request.headers()) {
            sb.append(h.name()).append(": ").append(h.value()).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The Host header if it is a plain host[:port], else the address the client connected to. */
    private static String host(RequestHead request, ResponseWriter w) {
        String host = request.header("Host");
        if (host != null && host.length() <= 260 && HOST.matcher(host).matches()) {
            return host;
        }
        InetSocketAddress local = (InetSocketAddress) w.session().getLocalAddress();
        String address = local.getAddress().getHostAddress();
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + local.getPort();
    }

    private static byte[] smallBody() {
        StringBuilder sb = new StringBuilder("small response from the Passerelle demo backend ");
        while (sb.length() < 99) {
            sb.append('.');
        }
        return sb.append('\n').toString().getBytes(StandardCharsets.US_ASCII);
    }
}
