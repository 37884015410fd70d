package io.passerelle.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Name look-ups of a head's fields ignore case, and only case. */
class HttpFieldsTest {

    private static HttpFields head() {
        return new HttpFields()
                .add("Host", "b")
                .add("User-Agent", "t/1")
                .add("connection", "keep-alive, Upgrade")
                .add("X-A", "1")
                .add("x-a", "2")
                .add("@x", "3")
                .add("\u212Aey", "kelvin");
    }

    @Test
    void namesMatchInAnyCaseAndOnlyTheirOwnFields() {
        HttpFields f = head();
        assertEquals("b", f.get("HOST"));
        assertEquals("t/1", f.get("user-agent"));
        assertNull(f.get("Connectio"));
        assertNull(f.get("Connections"));
        assertNull(f.get("Keep-Alive")); // the length of Connection and User-Agent, not either of them
        assertEquals("keep-alive, Upgrade", f.get("CONNECTION"));
        assertEquals(List.of("1", "2"), f.getAll("x-A"));
        assertNull(f.get("`x")); // '@' and '`' differ by the case bit and are no letters
        assertEquals("3", f.get("@X"));
        assertNull(f.get(""));
    }

    @Test
    void nonAsciiNamesCompareAsStringDoes() {
        HttpFields f = head();
        // String.equalsIgnoreCase takes U+212A (Kelvin sign) for a k
        assertEquals("kelvin", f.get("key"));
        assertEquals("kelvin", f.get("KEY"));
    }

    @Test
    void listsRemovalsAndTokensIgnoreCase() {
        HttpFields f = head();
        assertTrue(f.containsToken("Connection", "upgrade"));
        assertFalse(f.containsToken("Upgrade", "upgrade"));
        assertEquals(List.of("keep-alive", "upgrade"), f.tokens("CONNECTION"));
        assertTrue(f.remove("X-a"));
        assertFalse(f.remove("X-a"));
        assertNull(f.get("x-a"));
        assertEquals(5, f.size());
    }
}
