package io.passerelle.core.internal.route;

import io.passerelle.api.Exchange;
import io.passerelle.api.RequestHead;
import io.passerelle.api.ResponseHead;

/** What the {@link Dispatcher} does to an exchange of the front end besides handing it to a scheme handler. */
public interface RoutedExchange extends Exchange {

    /** A hook gave the request another path (already normalised). */
    void rewrite(RequestHead request);

    /** A hook answers the request itself (a redirect, 403, 410): this head, no body. */
    void respond(ResponseHead head);

    /** The route that serves it (its counters count it). */
    void route(Route route);
}
