package io.passerelle.rewrite.internal.engine;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One {@code RewriteRule Pattern Substitution [flags]} with the conditions written before it.
 *
 * @param ruleSet      the name of the rule set it belongs to
 * @param index        its position in its rule set, from 1
 * @param source       the directive as written (for traces)
 * @param pattern      the compiled pattern
 * @param negated      {@code !} before the pattern
 * @param substitution the substitution, or null for {@code -}
 * @param flags        the flags
 * @param conditions   the conditions, in order
 */
public record Rule(String ruleSet, int index, String source, Pattern pattern, boolean negated, Template substitution,
        RuleFlags flags, List<Condition> conditions) {
}
