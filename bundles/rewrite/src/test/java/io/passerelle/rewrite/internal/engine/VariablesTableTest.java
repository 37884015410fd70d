package io.passerelle.rewrite.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every server variable SPEC §4.6 lists, with the value httpd documents for it (mod/mod_rewrite.html#rewritecond,
 * "Server-Variables"; UseCanonicalName Off, so SERVER_NAME and SERVER_PORT come from the client's Host header).
 * Each case tests {@code %{VAR}} with an exact {@code =} comparison and substitutes it into the path, so a wrong
 * value fails either way.
 */
class VariablesTableTest {

    private static Req request() {
        return Req.get("/p/q%20r?a=1&b=2").method("POST").header("Host", "example.com:8080")
                .header("User-Agent", "UA/1.0").header("Referer", "http://ref.example/")
                .header("Cookie", "c=1").header("X-Custom", "v1").header("X-Custom", "v2").local(8080);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("HTTP:X-Custom", request(), "v1, v2"),
                Arguments.of("HTTP:x-custom", request(), "v1, v2"),
                Arguments.of("HTTP:Missing", request(), ""),
                Arguments.of("HTTP_HOST", request(), "example.com:8080"),
                Arguments.of("HTTP_USER_AGENT", request(), "UA/1.0"),
                Arguments.of("HTTP_REFERER", request(), "http://ref.example/"),
                Arguments.of("HTTP_COOKIE", request(), "c=1"),
                // REQUEST_URI: the decoded path, without the query
                Arguments.of("REQUEST_URI", request(), "/p/q r"),
                Arguments.of("REQUEST_METHOD", request(), "POST"),
                Arguments.of("QUERY_STRING", request(), "a=1&b=2"),
                Arguments.of("QUERY_STRING", Req.get("/"), ""),
                // THE_REQUEST: the full request line as sent, without the line end
                Arguments.of("THE_REQUEST", request(), "POST /p/q%20r?a=1&b=2 HTTP/1.1"),
                Arguments.of("REMOTE_ADDR", request(), "192.0.2.10"),
                Arguments.of("REMOTE_PORT", request(), "40000"),
                Arguments.of("SERVER_NAME", request(), "example.com"),
                Arguments.of("SERVER_PORT", request(), "8080"),
                Arguments.of("SERVER_PORT", Req.get("/").local(9090), "9090"),
                Arguments.of("HTTPS", request(), "off"),
                Arguments.of("HTTPS", Req.get("/").secure(), "on"),
                Arguments.of("REQUEST_SCHEME", request(), "http"),
                Arguments.of("REQUEST_SCHEME", Req.get("/").secure(), "https"),
                Arguments.of("ENV:PASSERELLE_SURELY_UNSET_VARIABLE", request(), ""),
                // TIME*: the fixed clock is Saturday 2024-02-03 04:05:06; TIME_WDAY counts from Sunday = 0
                Arguments.of("TIME", request(), "20240203040506"),
                Arguments.of("TIME_YEAR", request(), "2024"),
                Arguments.of("TIME_MON", request(), "02"),
                Arguments.of("TIME_DAY", request(), "03"),
                Arguments.of("TIME_HOUR", request(), "04"),
                Arguments.of("TIME_MIN", request(), "05"),
                Arguments.of("TIME_SEC", request(), "06"),
                Arguments.of("TIME_WDAY", request(), "6"),
                Arguments.of("NOT_A_VARIABLE", request(), ""));
    }

    @ParameterizedTest(name = "{0} = ''{2}''")
    @MethodSource("cases")
    void variableHasHttpdValue(String variable, Req req, String expected) {
        String rules = "RewriteEngine on RewriteCond %{" + variable + "} \"=" + expected + "\" RewriteRule ^ /ok?";
        assertEquals("rewrite /ok", Rewrites.run(rules, req), rules);
        if (expected.contains("?") || expected.contains("//")) {
            return; // a ? in a substitution starts the query, // merges in a path: the condition above suffices
        }
        String echo = "RewriteEngine on RewriteRule ^ /v/[%{" + variable + "}]?";
        String out = Rewrites.run(echo, req);
        assertEquals("rewrite " + Escapes.canonical("/v/[" + expected + "]", false), out);
    }

    @org.junit.jupiter.api.Test
    void envSetByAFlagIsReadBack() {
        assertEquals("rewrite /x/42", Rewrites.run("RewriteEngine on RewriteRule ^ - [E=N:42] RewriteRule ^ /x/%{ENV:N}",
                Req.get("/")));
    }
}
