package io.passerelle.api;

/**
 * A response status line and headers.
 *
 * @param status  the status code
 * @param reason  the reason phrase (may be empty)
 * @param headers the header fields; framing headers ({@code Content-Length}, {@code Transfer-Encoding})
 *                tell the core how the body that follows is delimited
 */
public record ResponseHead(int status, String reason, HttpFields headers) {
}
