package io.passerelle.rewrite.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;

import io.passerelle.api.ClientInfo;
import io.passerelle.api.HttpFields;
import io.passerelle.api.RequestHead;
import io.passerelle.common.http.DotSegments;
import io.passerelle.rewrite.internal.engine.Escapes;

/** Turns a {@code proxy:rewrite-test} request into the head and client the hook would see. */
final class TestRequests {

    record Built(RequestHead head, ClientInfo client) {
    }

    private TestRequests() {
    }

    static Built build(RewriteService.TestRequest r) {
        String url = r.url() == null ? "" : r.url().strip();
        boolean secure = false;
        String authority = null;
        String rest = url;
        int sep = url.indexOf("://");
        if (sep > 0) {
            String scheme = url.substring(0, sep).toLowerCase(Locale.ROOT);
            if (!scheme.matches("https?|wss?")) {
                throw new IllegalArgumentException("'" + url + "': only http, https, ws and wss URLs or paths can be tested");
            }
            secure = scheme.equals("https") || scheme.equals("wss");
            int slash = url.length();
            for (int i = sep + 3; i < url.length(); i++) {
                char c = url.charAt(i);
                if (c == '/' || c == '?' || c == '#') {
                    slash = i;
                    break;
                }
            }
            authority = url.substring(sep + 3, slash);
            rest = url.substring(slash);
            if (!rest.startsWith("/")) {
                rest = "/" + rest;
            }
        }
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        if (!rest.startsWith("/")) {
            throw new IllegalArgumentException("'" + url + "' is neither an absolute URL nor a path starting with /");
        }
        int q = rest.indexOf('?');
        String rawPath = q < 0 ? rest : rest.substring(0, q);
        String query = q < 0 ? null : rest.substring(q + 1);
        String path = DotSegments.resolve(Escapes.canonical(rawPath, false));
        if (path == null) {
            throw new IllegalArgumentException("'" + rawPath + "' climbs above / (the core answers 400)");
        }
        HttpFields headers = new HttpFields();
        boolean host = false;
        if (r.headers() != null) {
            for (String h : r.headers()) {
                int colon = h.indexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("header '" + h + "' is not name:value");
                }
                String name = h.substring(0, colon).strip();
                headers.add(name, h.substring(colon + 1).strip());
                host |= name.equalsIgnoreCase("Host");
            }
        }
        if (!host) {
            headers.add("Host", authority != null && !authority.isEmpty() ? authority : "localhost");
        }
        int localPort = secure ? 443 : 80;
        if (authority != null) {
            int colon = authority.lastIndexOf(':');
            if (colon >= 0 && authority.indexOf(']', colon) < 0) {
                try {
                    localPort = Integer.parseInt(authority.substring(colon + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + authority + "' has an invalid port");
                }
            }
        }
        String method = r.method() == null || r.method().isBlank() ? "GET" : r.method().strip();
        RequestHead head = new RequestHead(method, q < 0 ? rawPath : rawPath + "?" + query, path, query, "HTTP/1.1",
                headers);
        InetSocketAddress remote = address(r.remote() == null ? "127.0.0.1" : r.remote(), 50000);
        InetSocketAddress local = address("127.0.0.1", localPort);
        return new Built(head, new ClientInfo(0, remote, local, secure, "(test)"));
    }

    /** {@code ip}, {@code ip:port} or {@code [v6]:port}; literals only, so no name lookup happens. */
    static InetSocketAddress address(String text, int defaultPort) {
        String host = text.strip();
        int port = defaultPort;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "' is not an IP address");
            }
            if (close + 1 < host.length() && host.charAt(close + 1) == ':') {
                port = parsePort(text, host.substring(close + 2));
            }
            host = host.substring(1, close);
        } else if (host.indexOf(':') == host.lastIndexOf(':') && host.indexOf(':') >= 0) {
            port = parsePort(text, host.substring(host.indexOf(':') + 1));
            host = host.substring(0, host.indexOf(':'));
        }
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address");
        }
    }

    private static int parsePort(String text, String p) {
        try {
            int port = Integer.parseInt(p);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has an invalid port");
        }
    }
}
