package io.passerelle.rewrite.internal.engine;

import java.util.List;

/**
 * An immutable snapshot of everything the I/O threads evaluate: the rules of all enabled rule sets in
 * ascending {@code order}, and the maps they declared.
 *
 * @param rules the rules, in evaluation order
 * @param maps  the maps
 */
public record RuleList(List<Rule> rules, MapSource maps) {

    public static final RuleList EMPTY = new RuleList(List.of(), MapSource.NONE);

    public RuleList {
        rules = List.copyOf(rules);
    }
}
