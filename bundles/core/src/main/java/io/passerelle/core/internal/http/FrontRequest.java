package io.passerelle.core.internal.http;

import java.util.List;

import io.passerelle.api.HttpFields;
import io.passerelle.api.RequestHead;

/**
 * A request head that passed every rule of SPEC §8, with its framing decided.
 *
 * @param head           method, target, normalised path, query, version, fields
 * @param bodyLength     Content-Length, -1 for chunked, 0 for none
 * @param keepAlive      whether the client allows another request on the connection
 * @param expectContinue whether the client waits for {@code 100 Continue}
 */
public record FrontRequest(RequestHead head, long bodyLength, boolean keepAlive, boolean expectContinue) {

    /** Applies the semantic rules to a parsed head. */
    public static FrontRequest of(RequestHeadParser parsed) throws HttpParseException {
        String method = parsed.method();
        String version = parsed.version();
        HttpFields fields = parsed.fields();
        if (method.equals("CONNECT")) {
            throw new HttpParseException(405, "CONNECT refused: not a forward proxy");
        }
        List<String> hosts = fields.getAll("Host");
        if (hosts.size() > 1) {
            throw new HttpParseException(400, "several Host fields");
        }
        String host = hosts.isEmpty() ? null : hosts.get(0);
        if (host == null && version.equals("HTTP/1.1")) {
            throw new HttpParseException(400, "no Host field");
        }
        if (host != null && !validHost(host)) {
            throw new HttpParseException(400, "invalid Host field");
        }
        String target = parsed.target();
        String pathAndQuery = originForm(target, host, fields);
        long bodyLength = framing(fields, version);
        boolean keepAlive = version.equals("HTTP/1.1")
                ? !fields.containsToken("Connection", "close")
                : fields.containsToken("Connection", "keep-alive");
        boolean expectContinue = false;
        String expect = fields.get("Expect");
        if (expect != null) {
            if (!expect.equalsIgnoreCase("100-continue") || fields.getAll("Expect").size() > 1) {
                throw new HttpParseException(417, "unsupported expectation");
            }
            expectContinue = version.equals("HTTP/1.1") && bodyLength != 0;
        }
        String rawPath;
        String query;
        int q = pathAndQuery.indexOf('?');
        if (q < 0) {
            rawPath = pathAndQuery;
            query = null;
        } else {
            rawPath = pathAndQuery.substring(0, q);
            query = pathAndQuery.substring(q + 1);
        }
        String path = rawPath.equals("*") ? "*" : PathNormalizer.normalize(rawPath);
        return new FrontRequest(new RequestHead(method, target, path, query, version, fields), bodyLength, keepAlive,
                expectContinue);
    }

    private static String originForm(String target, String host, HttpFields fields) throws HttpParseException {
        if (target.charAt(0) == '/') {
            return target;
        }
        if (target.equals("*")) {
            return target;
        }
        String lower = target.toLowerCase(java.util.Locale.ROOT);
        int schemeEnd;
        if (lower.startsWith("http://")) {
            schemeEnd = 7;
        } else if (lower.startsWith("https://")) {
            schemeEnd = 8;
        } else {
            throw new HttpParseException(400, "unsupported request target form");
        }
        int slash = target.indexOf('/', schemeEnd);
        int qm = target.indexOf('?', schemeEnd);
        int end = slash < 0 ? (qm < 0 ? target.length() : qm) : (qm < 0 ? slash : Math.min(slash, qm));
        String authority = target.substring(schemeEnd, end);
        if (authority.isEmpty() || authority.indexOf('@') >= 0 || !validHost(authority)) {
            throw new HttpParseException(400, "invalid authority in the request target");
        }
        if (host == null) {
            fields.add("Host", authority);
        } else if (!host.equalsIgnoreCase(authority)) {
            throw new HttpParseException(400, "absolute-form target for another host: not a forward proxy");
        }
        String rest = target.substring(end);
        return rest.isEmpty() || rest.charAt(0) == '?' ? "/" + rest : rest;
    }

    private static long framing(HttpFields fields, String version) throws HttpParseException {
        List<String> te = fields.getAll("Transfer-Encoding");
        List<String> cl = fields.getAll("Content-Length");
        if (!te.isEmpty()) {
            if (!cl.isEmpty()) {
                throw new HttpParseException(400, "both Content-Length and Transfer-Encoding");
            }
            if (!version.equals("HTTP/1.1")) {
                throw new HttpParseException(400, "Transfer-Encoding in an HTTP/1.0 request");
            }
            List<String> codings = fields.tokens("Transfer-Encoding");
            if (codings.size() != 1 || !codings.get(0).equals("chunked")) {
                throw new HttpParseException(400, "Transfer-Encoding other than a final chunked");
            }
            return -1;
        }
        long length = ContentLength.of(cl);
        if (length < 0) {
            throw new HttpParseException(400, "invalid or differing Content-Length values");
        }
        return length;
    }

    private static boolean validHost(String host) {
        if (host.isEmpty()) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~!$&'()*+,;=:[]%".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
