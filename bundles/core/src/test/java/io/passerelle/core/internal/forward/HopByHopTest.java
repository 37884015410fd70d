package io.passerelle.core.internal.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.passerelle.api.HttpFields;

/** The hop-by-hop fields a proxy removes (RFC 9110 §7.6.1). */
class HopByHopTest {

    @Test
    void theFixedNamesInAnyCaseAndNothingElse() {
        for (String n : List.of("Connection", "keep-alive", "PROXY-CONNECTION", "te", "Trailer", "transfer-encoding",
                "UPGRADE", "Proxy-Authenticate", "proxy-authorization", "\u212Aeep-Alive")) {
            assertTrue(HopByHop.isFixed(n), n);
        }
        for (String n : List.of("", "User-Agent", "Referer", "Trailers", "T", "Proxy", "Content-Length", "Host",
                "Upgrade-Insecure-Requests", "Keep-Alivf", "Xonnection")) {
            assertFalse(HopByHop.isFixed(n), n);
        }
    }

    @Test
    void stripRemovesTheFixedFieldsAndThoseConnectionNames() {
        HttpFields f = new HttpFields()
                .add("Host", "b")
                .add("connection", "close, X-Trace")
                .add("x-trace", "1")
                .add("User-Agent", "t")
                .add("TE", "trailers")
                .add("Referer", "r");
        HopByHop.strip(f);
        List<String> left = new ArrayList<>();
        f.forEach((n, v) -> left.add(n));
        assertEquals(List.of("Host", "User-Agent", "Referer"), left);
    }
}
