package io.passerelle.core.internal.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.URI;

import org.junit.jupiter.api.Test;

/** Backend URLs from a mapped route URL and the request's query, and the table of the URLs built last. */
class UrlsTest {

    @Test
    void theQueryIsAppendedAndWhatUriRefusesIsEncoded() {
        Urls urls = new Urls();
        assertEquals(URI.create("http://b:8080/x/y?a=1"), urls.withQuery("http://b:8080/x/y", "a=1"));
        assertEquals(URI.create("http://b/x?k=v&a=1"), urls.withQuery("http://b/x?k=v", "a=1"));
        assertEquals(URI.create("http://b/a%20b%7Cc"), urls.withQuery("http://b/a b|c", null));
        assertNull(urls.withQuery("http://b/%zz", null));
    }

    @Test
    void aUrlBuiltAgainIsTheOneParsedBeforeAndEveryTextGetsItsOwn() {
        Urls urls = new Urls();
        URI first = urls.withQuery("http://b/x", "q=1");
        assertSame(first, urls.withQuery("http://b/x", "q=1"));
        // more texts than slots: each still maps to its own URL, whichever slot it shares
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 2_000; i++) {
                assertEquals(URI.create("http://b/p" + i + "?q=" + i), urls.withQuery("http://b/p" + i, "q=" + i));
            }
        }
        assertEquals(URI.create("http://b/x?q=2"), urls.withQuery("http://b/x", "q=2"));
    }

    @Test
    void anUnusableTextIsNeverKept() {
        Urls urls = new Urls();
        assertNull(urls.withQuery("http://b/%zz", null));
        assertNull(urls.withQuery("http://b/%zz", null));
    }

    @Test
    void aLongTextIsParsedEveryTime() {
        Urls urls = new Urls();
        String path = "http://b/" + "a".repeat(Urls.LONGEST);
        URI first = urls.withQuery(path, null);
        assertEquals(URI.create(path), first);
        URI second = urls.withQuery(path, null);
        assertEquals(first, second);
        assertNotSame(first, second);
    }
}
