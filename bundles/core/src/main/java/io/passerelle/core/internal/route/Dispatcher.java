package io.passerelle.core.internal.route;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.api.HookResult;
import io.passerelle.api.ProxyTarget;
import io.passerelle.api.RequestHead;
import io.passerelle.api.RequestHook;
import io.passerelle.api.ResponseHead;
import io.passerelle.api.SchemeHandler;
import io.passerelle.common.osgi.ServiceProperties;
import io.passerelle.core.internal.http.HttpParseException;
import io.passerelle.core.internal.http.PathNormalizer;

/**
 * The translate, route and scheme phases (SPEC §3 steps 3–5): runs the request hooks, finds the first route
 * that matches and whose handler takes the request, and hands the exchange to the scheme handler. A scheme
 * without a handler answers 503 and logs one WARN naming the missing feature.
 */
@Component(service = Dispatcher.class)
public final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final RouteTable table;
    private final Map<String, SchemeHandler> handlers = new ConcurrentHashMap<>();
    private final Map<RequestHook, Integer> hookOrder = new ConcurrentHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private volatile RequestHook[] hooks = new RequestHook[0];
    private final Urls urls = new Urls();

    @Activate
    public Dispatcher(@Reference RouteTable table) {
        this.table = table;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void bindSchemeHandler(SchemeHandler handler, Map<String, Object> props) {
        for (String scheme : schemes(props)) {
            handlers.put(scheme, handler);
            warned.removeIf(w -> w.endsWith("|" + scheme));
            LOG.info("Scheme handler for {}:// available", scheme);
        }
    }

    public void unbindSchemeHandler(SchemeHandler handler, Map<String, Object> props) {
        for (String scheme : schemes(props)) {
            if (handlers.remove(scheme, handler)) {
                LOG.info("Scheme handler for {}:// gone", scheme);
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public synchronized void bindRequestHook(RequestHook hook, Map<String, Object> props) {
        Object o = props.get(RequestHook.ORDER);
        int order = 0;
        if (o != null) {
            try {
                order = Integer.parseInt(o.toString().trim());
            } catch (NumberFormatException e) {
                LOG.warn("Request hook {} has a non-numeric {}: {}", hook, RequestHook.ORDER, o);
            }
        }
        hookOrder.put(hook, order);
        publishHooks();
    }

    public synchronized void unbindRequestHook(RequestHook hook) {
        hookOrder.remove(hook);
        publishHooks();
    }

    private void publishHooks() {
        RequestHook[] h = hookOrder.keySet().toArray(new RequestHook[0]);
        Arrays.sort(h, (a, b) -> Integer.compare(hookOrder.getOrDefault(a, 0), hookOrder.getOrDefault(b, 0)));
        hooks = h;
    }

    private static List<String> schemes(Map<String, Object> props) {
        return ServiceProperties.names(props.get(SchemeHandler.SCHEME));
    }

    /** Whether a handler serves the scheme now. */
    public boolean hasHandler(String scheme) {
        return scheme != null && handlers.containsKey(scheme);
    }

    /** The feature that brings a scheme's handler. */
    public static String featureFor(String scheme) {
        return switch (scheme) {
            case "http", "https" -> "passerelle-http";
            case "ws", "wss" -> "passerelle-wstunnel";
            case "balancer" -> "passerelle-balancer";
            case "status" -> "passerelle-status";
            default -> "a bundle serving " + scheme + "://";
        };
    }

    /** Runs the translate, route and scheme phases of one exchange (in its context). */
    public void dispatch(RoutedExchange ex) {
        RequestHead req = ex.request();
        if (req.path().equals("*")) {
            ex.response().error(req.method().equals("OPTIONS") ? 200 : 400);
            return;
        }
        for (RequestHook hook : hooks) {
            HookResult r;
            try {
                r = hook.translate(req, ex.client());
            } catch (RuntimeException e) {
                LOG.error("Request hook {} failed", hook, e);
                ex.response().error(500);
                return;
            }
            if (r instanceof HookResult.Respond respond) {
                ex.respond(new ResponseHead(respond.head().status(), respond.head().reason(),
                        respond.head().headers().copy()));
                return;
            }
            if (r instanceof HookResult.Proxy proxy) {
                proxyTo(ex, req, proxy.url());
                return;
            }
            HookResult.Proceed p = (HookResult.Proceed) r;
            if (p.path() != null) {
                // a hook's path obeys the front end's rules (SPEC 8): origin form, normalised, never above /
                String path;
                try {
                    path = p.path().startsWith("/") ? PathNormalizer.normalize(p.path()) : null;
                } catch (HttpParseException e) {
                    path = null;
                }
                if (path == null || (p.query() != null && PathNormalizer.hasRawControl(p.query()))) {
                    LOG.debug("Request hook {} gave an unusable path '{}' or query: 400", hook, p.path());
                    ex.response().error(400);
                    return;
                }
                req = req.withPath(path, p.query());
                ex.rewrite(req);
            }
            if (p.last()) {
                break;
            }
        }
        String listener = ex.client().listener();
        for (Route route : table.routes()) {
            Set<String> only = route.spec().listeners();
            if (!only.isEmpty() && !only.contains(listener)) {
                continue;
            }
            String mapped;
            try {
                mapped = route.spec().map(req.path());
            } catch (RuntimeException e) {
                // a match the JDK compiled and fails to match with (see common.regex.Regexes)
                LOG.error("Route {}: its match failed on {}", route.name(), req.path(), e);
                ex.response().error(500);
                return;
            }
            if (mapped == null) {
                continue;
            }
            if (route.spec().excluded()) {
                ex.response().error(404);
                return;
            }
            URI url = urls.withQuery(mapped, req.query());
            if (url == null) {
                ex.response().error(400);
                return;
            }
            SchemeHandler handler = handlers.get(route.spec().scheme());
            if (handler != null && !handler.accepts(req, new ProxyTarget(url, route))) {
                continue;
            }
            ex.route(route);
            if (!route.spec().allow().allows(ex.client().remote().getAddress())) {
                ex.response().error(403); // Require ip: nothing reaches the backend
                return;
            }
            if (!route.spec().keepEncodedSlashes() && PathNormalizer.hasEncodedSlash(req.path())) {
                ex.response().error(404); // AllowEncodedSlashes Off: ..%2F is no way out of the route's prefix
                return;
            }
            if (handler == null) {
                missing(route.name(), route.spec().scheme());
                ex.response().error(503);
                return;
            }
            invoke(handler, ex, new ProxyTarget(url, route));
            return;
        }
        ex.response().error(404);
    }

    /** A hook's proxy decision: the URL's scheme handler serves it under a synthetic route. */
    private void proxyTo(RoutedExchange ex, RequestHead req, URI url) {
        if (PathNormalizer.hasEncodedSlash(req.path())) {
            ex.response().error(404); // a hook's decision has a route's defaults: encoded slashes are refused
            return;
        }
        if (!safeTarget(url)) {
            LOG.debug("A request hook's proxy target holds CR, LF or NUL: 400");
            ex.response().error(400);
            return;
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase();
        SchemeHandler handler = handlers.get(scheme);
        if (handler == null) {
            missing("(hook)", scheme);
            ex.response().error(503);
            return;
        }
        invoke(handler, ex, new ProxyTarget(url, HookRoute.of(url)));
    }

    /** Whether a URL's path and query are free of CR, LF and NUL, raw or percent-encoded in the path (SPEC 8). */
    private static boolean safeTarget(URI url) {
        String path = url.getRawPath();
        if (path != null && !path.isEmpty()) {
            try {
                PathNormalizer.normalize(path.startsWith("/") ? path : "/" + path);
            } catch (HttpParseException e) {
                return false;
            }
        }
        return url.getRawQuery() == null || !PathNormalizer.hasRawControl(url.getRawQuery());
    }

    private static void invoke(SchemeHandler handler, RoutedExchange ex, ProxyTarget target) {
        try {
            handler.handle(ex, target);
        } catch (RuntimeException e) {
            LOG.error("Scheme handler for {} failed", target.url().getScheme(), e);
            if (!ex.isDone()) {
                ex.response().error(500);
            }
        }
    }

    private void missing(String route, String scheme) {
        if (warned.add(route + "|" + scheme)) {
            LOG.warn("Route {}: no handler for {}:// – install feature {} (answering 503 meanwhile)", route, scheme,
                    featureFor(scheme));
        }
    }
}
