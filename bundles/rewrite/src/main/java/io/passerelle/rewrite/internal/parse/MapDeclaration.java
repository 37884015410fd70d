package io.passerelle.rewrite.internal.parse;

/**
 * {@code RewriteMap name type:argument}.
 *
 * @param name     the map's name
 * @param type     the map type, lower-cased
 * @param argument what follows {@code type:}
 * @param where    the rule set and position, for messages
 */
public record MapDeclaration(String name, String type, String argument, String where) {
}
