package io.passerelle.demo.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.apache.mina.core.buffer.IoBuffer;

/** Hashes the request body as it streams in; answers {@code {"bytes":N,"sha256":"hex"}}. */
final class Sha256Exchange implements Exchange {

    private final ResponseWriter writer;
    private final MessageDigest digest;
    private long bytes;

    Sha256Exchange(ResponseWriter writer) {
        this.writer = writer;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JRE", e);
        }
    }

    @Override
    public void start() {
        writer.continueIfExpected();
    }

    @Override
    public void requestBody(IoBuffer piece) {
        bytes += piece.remaining();
        digest.update(piece.buf());
    }

    @Override
    public void requestEnd() {
        String json = "{\"bytes\":" + bytes + ",\"sha256\":\"" + HexFormat.of().formatHex(digest.digest()) + "\"}";
        writer.respond(200, "application/json", json.getBytes(StandardCharsets.US_ASCII));
    }
}
