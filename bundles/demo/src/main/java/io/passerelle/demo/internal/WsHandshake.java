package io.passerelle.demo.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

import io.passerelle.common.http.Reasons;

/** Checks an RFC 6455 opening handshake and writes the answer: {@code 101}, or the error that fits. */
final class WsHandshake {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** The bytes to send; {@code upgraded} tells whether frames follow. */
    record Reply(boolean upgraded, byte[] bytes) {
    }

    private WsHandshake() {
    }

    static Reply answer(RequestHead request) {
        if (!request.hasToken("Upgrade", "websocket") || !request.hasToken("Connection", "upgrade")) {
            return error(426, "This is a WebSocket endpoint: send an Upgrade: websocket request\n",
                    "Upgrade: websocket\r\n");
        }
        if (!request.method().equals("GET")) {
            return error(405, "The WebSocket handshake is a GET\n", "Allow: GET\r\n");
        }
        if (!request.http11() || request.hasBody()) {
            return error(400, "The WebSocket handshake is an HTTP/1.1 request without a body\n", "");
        }
        if (!"13".equals(request.header("Sec-WebSocket-Version"))) {
            return error(426, "Only WebSocket version 13 is supported\n", "Sec-WebSocket-Version: 13\r\n");
        }
        String key = request.header("Sec-WebSocket-Key");
        if (!validKey(key)) {
            return error(400, "Missing or malformed Sec-WebSocket-Key\n", "");
        }
        List<String> protocols = request.elements("Sec-WebSocket-Protocol");
        StringBuilder sb = new StringBuilder(256)
                .append("HTTP/1.1 101 Switching Protocols\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Accept: ").append(accept(key)).append("\r\n");
        if (!protocols.isEmpty()) {
            sb.append("Sec-WebSocket-Protocol: ").append(protocols.get(0)).append("\r\n");
        }
        sb.append("X-Demo-Backend: ws\r\n\r\n");
        return new Reply(true, sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The {@code Sec-WebSocket-Accept} value for a key. */
    static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] hash = sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is mandatory in every JRE", e);
        }
    }

    /** Answers a request that could not even be parsed. */
    static Reply badRequest(int status) {
        return error(status, "Malformed request\n", "");
    }

    private static boolean validKey(String key) {
        if (key == null) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Reply error(int status, String body, String extraHeaders) {
        String response = "HTTP/1.1 " + status + " " + Reasons.of(status) + "\r\n"
                + extraHeaders
                + "X-Demo-Backend: ws\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length() + "\r\n"
                + "Connection: close\r\n\r\n"
                + body;
        return new Reply(false, response.getBytes(StandardCharsets.ISO_8859_1));
    }
}
