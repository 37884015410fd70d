package io.passerelle.rewrite.internal.parse;

/**
 * One argument of a directive.
 *
 * @param text   its text, quotes removed (backslashes kept: they mean something to the regex or the expansion)
 * @param line   its line, from 1
 * @param column its column, from 1
 * @param quoted whether it was written in quotes
 */
public record Word(String text, int line, int column, boolean quoted) {
}
