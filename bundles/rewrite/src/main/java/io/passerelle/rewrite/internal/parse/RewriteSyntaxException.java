package io.passerelle.rewrite.internal.parse;

/** A rule set that cannot be parsed; the message names the rule set, the directive, and the line and column. */
public final class RewriteSyntaxException extends Exception {

    private static final long serialVersionUID = 1L;

    public RewriteSyntaxException(String message) {
        super(message, null, false, false);
    }
}
