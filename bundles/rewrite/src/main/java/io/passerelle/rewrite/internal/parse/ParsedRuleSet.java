package io.passerelle.rewrite.internal.parse;

import java.util.List;

import io.passerelle.rewrite.internal.engine.Rule;

/**
 * A parsed rule set.
 *
 * @param name     the rule set's name
 * @param engineOn whether {@code RewriteEngine on} is in force (httpd's default is off)
 * @param rules    its rules with their conditions
 * @param maps     its {@code RewriteMap} declarations
 */
public record ParsedRuleSet(String name, boolean engineOn, List<Rule> rules, List<MapDeclaration> maps) {
}
