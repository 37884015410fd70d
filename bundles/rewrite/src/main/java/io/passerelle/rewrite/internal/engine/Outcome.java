package io.passerelle.rewrite.internal.engine;

import java.net.URI;

/** What the rule list decided for a request. */
public sealed interface Outcome {

    /** One line for traces and the shell. */
    String describe();

    /** No rule changed the request. */
    record Unchanged() implements Outcome {
        @Override
        public String describe() {
            return "unchanged (the route table sees the original path)";
        }
    }

    /** A new path (canonical, as the core keeps it) and query (null for none) for the route table. */
    record Rewrite(String path, String query) implements Outcome {
        @Override
        public String describe() {
            return "rewritten to " + (query == null ? path : path + "?" + query) + " (on to the route table)";
        }
    }

    /** An external redirect. */
    record Redirect(int status, String location) implements Outcome {
        @Override
        public String describe() {
            return "redirect " + status + ", Location: " + location;
        }
    }

    /** A direct answer with no body ({@code [F]}, {@code [G]}, {@code [R=4xx]}, or an error). */
    record Status(int status) implements Outcome {
        @Override
        public String describe() {
            return "status " + status;
        }
    }

    /** {@code [P]}: proxy to this URL through the scheme handler of its scheme. */
    record Proxy(URI url) implements Outcome {
        @Override
        public String describe() {
            return "proxy to " + url + " (scheme handler '" + url.getScheme() + "')";
        }
    }

    Outcome UNCHANGED = new Unchanged();
}
