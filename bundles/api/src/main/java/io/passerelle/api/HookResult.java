package io.passerelle.api;

import java.net.URI;

/** What a {@link RequestHook} decided. */
public sealed interface HookResult {

    /** Go on with the (possibly new) path and query; {@code last} ends the hook chain. */
    record Proceed(String path, String query, boolean last) implements HookResult {
    }

    /** Answer directly (e.g. 302 with Location, 403, 410) with the given head and no body of the client's. */
    record Respond(ResponseHead head) implements HookResult {
    }

    /** Proxy to this URL through the scheme handler of its scheme (the {@code [P]} flag). */
    record Proxy(URI url) implements HookResult {
    }

    Proceed PROCEED = new Proceed(null, null, false);

    /** Leaves the request as it is. */
    static HookResult proceed() {
        return PROCEED;
    }
}
