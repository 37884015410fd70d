package io.passerelle.rewrite.internal.engine;

import java.util.ArrayList;
import java.util.List;

/** Receives the lines of a rule trace ({@code proxy:rewrite-test}, the trace logger). */
public interface Trace {

    void line(String text);

    /** A trace that keeps its lines. */
    final class Lines implements Trace {
        private final List<String> lines = new ArrayList<>();

        @Override
        public void line(String text) {
            lines.add(text);
        }

        public List<String> lines() {
            return List.copyOf(lines);
        }
    }
}
