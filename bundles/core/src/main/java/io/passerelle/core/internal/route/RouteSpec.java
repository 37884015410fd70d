package io.passerelle.core.internal.route;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.passerelle.api.RouteOptions;
import io.passerelle.common.config.Config;
import io.passerelle.common.config.ConfigException;
import io.passerelle.common.regex.Regexes;
import io.passerelle.core.internal.http.HttpParseException;
import io.passerelle.core.internal.http.PathNormalizer;

/**
 * A validated route configuration (SPEC §4.2). Immutable; {@link #from(Config)} throws a
 * {@link ConfigException} naming the key at fault.
 *
 * @param url      the backend URL template (with {@code $N} for match routes), or null for {@code !}
 * @param listeners listener names this route is limited to, empty for all
 * @param allow     the client addresses allowed ({@code allow})
 * @param keepEncodedSlashes {@code encoded.slashes = keep}: a path holding %2F or %5C is forwarded as it came
 */
public record RouteSpec(String name, String path, Pattern match, String url, String scheme, int order,
        RouteOptions options, Set<String> listeners, Allow allow, boolean keepEncodedSlashes) {

    private static final Pattern GROUP_REF = Pattern.compile("\\$(\\d)");

    public static RouteSpec from(Config c) {
        String path = c.string("path");
        String matchText = c.string("match");
        if ((path == null) == (matchText == null)) {
            throw new ConfigException(path == null ? "path" : "match", "exactly one of 'path' and 'match' must be set");
        }
        Pattern match = null;
        if (path != null) {
            try {
                // compared with normalised request paths, so normalised the same way
                path = PathNormalizer.normalize(path);
            } catch (HttpParseException e) {
                throw new ConfigException("path", "'" + path + "' is not a valid URL path: " + e.getMessage());
            }
        }
        if (matchText != null) {
            try {
                match = Regexes.compile(matchText, 0);
            } catch (PatternSyntaxException e) {
                throw new ConfigException("match", "invalid regex: " + e.getDescription()
                        + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
            }
        }
        String url = c.string("url");
        if (url == null) {
            throw new ConfigException("url", "required");
        }
        String scheme = null;
        if (url.equals("!")) {
            url = null;
        } else {
            scheme = validateUrl(url, match);
        }
        int order = c.integer("order", Integer.MIN_VALUE, Integer.MAX_VALUE);
        RouteSettings options = RouteSettings.from(c, scheme, path != null);
        String listener = c.string("listener");
        Set<String> listeners = listener == null ? Set.of()
                : Set.copyOf(Arrays.stream(listener.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
        Allow allow = c.has("allow") ? Allow.parse(c.string("allow"))
                : "status".equals(scheme) ? Allow.LOOPBACK : Allow.EVERYONE;
        String slashes = c.string("encoded.slashes");
        if (!slashes.equals("reject") && !slashes.equals("keep")) {
            throw new ConfigException("encoded.slashes", "'" + slashes + "' is not reject or keep");
        }
        return new RouteSpec(c.name(), path, match, url, scheme, order, options, listeners, allow,
                slashes.equals("keep"));
    }

    /** A url that is only a scheme ({@code status:}): the handler serves the path itself (SPEC §4.8). */
    private static final Pattern OPAQUE = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:");

    private static String validateUrl(String url, Pattern match) {
        if (OPAQUE.matcher(url).matches()) {
            if (match != null) {
                throw new ConfigException("url", "'" + url + "' (a scheme alone) goes with a path route");
            }
            return url.substring(0, url.length() - 1).toLowerCase(Locale.ROOT);
        }
        String probe = url;
        if (match != null) {
            Matcher refs = GROUP_REF.matcher(url);
            while (refs.find()) {
                int group = Integer.parseInt(refs.group(1));
                if (group > match.matcher("").groupCount()) {
                    throw new ConfigException("url", "$" + group + " refers to a group that 'match' does not have");
                }
            }
            probe = refs.replaceAll("x");
        }
        URI uri;
        try {
            uri = new URI(probe);
        } catch (URISyntaxException e) {
            throw new ConfigException("url", "'" + url + "' is not a URL: " + e.getReason());
        }
        if (uri.getScheme() == null || uri.getHost() == null && uri.getAuthority() == null) {
            throw new ConfigException("url", "'" + url + "' needs a scheme and a host (scheme://host[:port]/path)");
        }
        if (uri.getRawFragment() != null) {
            throw new ConfigException("url", "'" + url + "' has a fragment");
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.contains("%0d") || lower.contains("%0a") || lower.contains("%00")) {
            throw new ConfigException("url", "'" + url + "' holds an encoded CR, LF or NUL");
        }
        return uri.getScheme().toLowerCase(Locale.ROOT);
    }

    /** Whether this route is {@code ProxyPass /x !}. */
    public boolean excluded() {
        return url == null;
    }

    /** The path or match as {@code proxy:routes} shows it. */
    public String pattern() {
        return path != null ? path : "~ " + match.pattern();
    }

    /**
     * Matches a normalised path.
     *
     * @return the backend URL for it (without the query), or null when the route does not match
     */
    public String map(String requestPath) {
        if (path != null) {
            if (!prefixMatches(requestPath)) {
                return null;
            }
            if (url == null) {
                return "";
            }
            return join(url, requestPath.substring(path.length()));
        }
        Matcher m = match.matcher(requestPath);
        if (!m.find()) {
            return null;
        }
        if (url == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(url.length() + requestPath.length());
        Matcher refs = GROUP_REF.matcher(url);
        int last = 0;
        while (refs.find()) {
            sb.append(url, last, refs.start());
            String g = m.group(Integer.parseInt(refs.group(1)));
            if (g != null) {
                sb.append(g);
            }
            last = refs.end();
        }
        return sb.append(url, last, url.length()).toString();
    }

    private boolean prefixMatches(String requestPath) {
        if (!requestPath.startsWith(path)) {
            return false;
        }
        return path.endsWith("/") || requestPath.length() == path.length() || requestPath.charAt(path.length()) == '/';
    }

    private static String join(String base, String rest) {
        if (base.endsWith(":")) {
            return base + (rest.startsWith("/") ? rest : "/" + rest); // status: + metrics = status:/metrics
        }
        if (rest.isEmpty()) {
            return base;
        }
        if (base.endsWith("/") && rest.startsWith("/")) {
            return base + rest.substring(1);
        }
        if (!base.endsWith("/") && !rest.startsWith("/")) {
            return base + "/" + rest;
        }
        return base + rest;
    }

    /** Evaluation order of SPEC §4.2. */
    public static int compare(RouteSpec a, RouteSpec b) {
        int c = Integer.compare(a.order, b.order);
        if (c != 0) {
            return c;
        }
        if ((a.match != null) != (b.match != null)) {
            return a.match != null ? -1 : 1;
        }
        if (a.path != null) {
            c = Integer.compare(b.path.length(), a.path.length());
            if (c != 0) {
                return c;
            }
        }
        return a.name.compareTo(b.name);
    }
}
