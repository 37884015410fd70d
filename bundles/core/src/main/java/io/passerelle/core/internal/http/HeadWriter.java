package io.passerelle.core.internal.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.passerelle.api.HttpFields;
import io.passerelle.common.http.Reasons;

/** Serialises heads to bytes (ISO-8859-1, CRLF). */
public final class HeadWriter {

    private HeadWriter() {
    }

    public static ByteBuffer statusLineAndFields(String version, int status, String reason, HttpFields fields) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(version).append(' ').append(status).append(' ')
                .append(reason == null || reason.isEmpty() ? Reasons.of(status) : reason).append("\r\n");
        return finish(sb, fields);
    }

    public static ByteBuffer requestLineAndFields(String method, String target, HttpFields fields) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        return finish(sb, fields);
    }

    private static ByteBuffer finish(StringBuilder sb, HttpFields fields) {
        for (HttpFields.Field f : fields) {
            sb.append(f.name()).append(": ").append(f.value()).append("\r\n");
        }
        sb.append("\r\n");
        return ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }
}
