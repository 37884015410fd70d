package io.passerelle.demo.internal;

/** A request that cannot be parsed; {@link #status()} is the answer it deserves. */
final class HttpParseException extends Exception {

    private final int status;

    HttpParseException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
