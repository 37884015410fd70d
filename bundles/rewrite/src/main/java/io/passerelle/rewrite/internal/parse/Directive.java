package io.passerelle.rewrite.internal.parse;

import java.util.List;

/**
 * A directive: its keyword and arguments.
 *
 * @param keyword the keyword as written
 * @param args    the arguments
 * @param line    the line of the keyword, from 1
 * @param column  the column of the keyword, from 1
 * @param text    the directive as written, for traces
 */
public record Directive(String keyword, List<Word> args, int line, int column, String text) {
}
