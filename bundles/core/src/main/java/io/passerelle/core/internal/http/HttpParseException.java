package io.passerelle.core.internal.http;

/** A protocol violation: the status to answer and, for the log only, what was wrong. */
public final class HttpParseException extends Exception {

    private final int status;

    public HttpParseException(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
