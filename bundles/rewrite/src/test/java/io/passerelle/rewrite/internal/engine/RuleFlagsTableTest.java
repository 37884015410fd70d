package io.passerelle.rewrite.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every RewriteRule flag, condition feature and substitution form of SPEC §4.6, one row per case. Each
 * group cites the section of httpd 2.4's documentation its expected outcome comes from
 * (https://httpd.apache.org/docs/2.4/rewrite/flags.html, mod/mod_rewrite.html, rewrite/tech.html).
 * Rules are written as a {@code .cfg} {@code rules} value arrives: joined onto one line.
 */
class RuleFlagsTableTest {

    private static final String ON = "RewriteEngine on ";

    private static final List<Arguments> CASES = new ArrayList<>();

    private static void row(String name, String rules, Req req, String expected) {
        CASES.add(Arguments.of(name, ON + rules, req, expected));
    }

    static Stream<Arguments> cases() {
        CASES.clear();

        // flags.html#flag_b — "/search/x & y/z" gives term=x & y/z unescaped; with [B] "term=x+%26+y%2Fz".
        // Since 2.4.26 [B=chars] escapes only the listed characters; [BNP] writes a space as %20, not +.
        row("B escapes back-references", "RewriteRule ^/search/(.*)$ /search.php?term=$1 [B]",
                Req.get("/search/x%20%26%20y/z"), "rewrite /search.php?term=x+%26+y%2Fz");
        row("without B back-references stay unescaped", "RewriteRule ^/search/(.*)$ /search.php?term=$1",
                Req.get("/search/x%20%26%20y/z"), "rewrite /search.php?term=x%20&%20y/z");
        row("B=chars escapes only those", "RewriteRule ^/search/(.*)$ /search.php?term=$1 [B=&]",
                Req.get("/search/x%20%26%20y/z"), "rewrite /search.php?term=x%20%26%20y/z");
        row("BNP escapes a space as %20", "RewriteRule ^/search/(.*)$ /search.php?term=$1 [B,BNP]",
                Req.get("/search/x%20%26%20y/z"), "rewrite /search.php?term=x%20%26%20y%2Fz");

        // flags.html#flag_c — "if the rule does not match, then all following chained rules are skipped"
        row("C: matching chain runs on", "RewriteRule ^/a/(.*) /b/$1 [C] RewriteRule ^/b/(.*) /c/$1",
                Req.get("/a/x"), "rewrite /c/x");
        row("C: a chain that fails skips its chained rules", "RewriteRule ^/a/(.*) /b/$1 [C] RewriteRule ^/b/(.*) /c/$1",
                Req.get("/b/x"), "unchanged");
        row("C: skipping ends after the chain", "RewriteRule ^/a /x [C] RewriteRule ^/x /y RewriteRule ^/b /z",
                Req.get("/b"), "rewrite /z");

        // flags.html#flag_e — [E=VAR:VAL] sets, [E=!VAR] unsets; mod_rewrite.html: %{ENV:variable}
        row("E sets an environment variable", "RewriteRule ^/img - [E=dir:images] RewriteCond %{ENV:dir} =images "
                + "RewriteRule ^/img(.*)$ /static$1", Req.get("/img/a.png"), "rewrite /static/a.png");
        row("E value expands back-references", "RewriteRule ^/u/(\\w+) - [E=user:$1] "
                + "RewriteRule ^ /who/%{ENV:user}", Req.get("/u/ann"), "rewrite /who/ann");
        row("E=!var unsets", "RewriteRule ^ - [E=v:1] RewriteRule ^ - [E=!v] RewriteCond %{ENV:v} =\"\" "
                + "RewriteRule ^/x /unset", Req.get("/x"), "rewrite /unset");

        // flags.html#flag_end — stops this and any further round of rewriting
        row("END stops the list", "RewriteRule ^/a /b [END] RewriteRule ^/b /c", Req.get("/a"), "rewrite /b");

        // flags.html#flag_f — 403 Forbidden; "-" is used as substitution
        row("F answers 403", "RewriteRule \\.exe - [F]", Req.get("/download/x.exe"), "status 403");
        row("F does not apply when the pattern fails", "RewriteRule \\.exe - [F]", Req.get("/x.txt"), "unchanged");
        row("F with a substitution still answers 403", "RewriteRule ^/a /b [F]", Req.get("/a"), "status 403");

        // flags.html#flag_g — 410 Gone
        row("G answers 410", "RewriteRule ^/oldproduct - [G,NC]", Req.get("/OLDPRODUCT"), "status 410");

        // flags.html#flag_l — stop processing the rule set; rewrite/tech.html: otherwise rules apply in turn
        row("L stops", "RewriteRule ^/a /b [L] RewriteRule ^/b /c", Req.get("/a"), "rewrite /b");
        row("without L the next rule sees the new URI", "RewriteRule ^/a /b RewriteRule ^/b /c", Req.get("/a"),
                "rewrite /c");

        // flags.html#flag_n — "replace A with B everywhere in a request"
        row("N restarts from the first rule", "RewriteRule ^(.*)A(.*)$ $1B$2 [N]", Req.get("/xAyA"), "rewrite /xByB");
        row("N=limit bounds the rounds", "RewriteRule ^/(.*)$ /a$1 [N=5]", Req.get("/x"), "status 500");

        // flags.html#flag_nc — case-insensitive pattern
        row("NC ignores case", "RewriteRule ^/FOO /bar [NC]", Req.get("/foo"), "rewrite /bar");
        row("without NC case matters", "RewriteRule ^/FOO /bar", Req.get("/foo"), "unchanged");

        // flags.html#flag_ne — "/anchor/xyz" redirects to /bigpage.html#xyz; without NE the # becomes %23
        row("NE keeps # in the redirect", "RewriteRule ^/anchor/(.+) /bigpage.html#$1 [NE,R]",
                Req.get("/anchor/xyz"), "redirect 302 http://example.com/bigpage.html#xyz");
        row("without NE the redirect is escaped", "RewriteRule ^/anchor/(.+) /bigpage.html#$1 [R]",
                Req.get("/anchor/xyz"), "redirect 302 http://example.com/bigpage.html%23xyz");

        // flags.html#flag_p — proxy the substituted URL; P implies L; the query goes along
        row("P proxies", "RewriteRule ^/images/(.*)$ http://imageserver.local/images/$1 [P]",
                Req.get("/images/a.png?s=1"), "proxy http://imageserver.local/images/a.png?s=1");
        row("P stops processing", "RewriteRule ^/a http://b.local/a [P] RewriteRule ^ - [F]", Req.get("/a"),
                "proxy http://b.local/a");
        row("P to ws:// (the SPEC §4.6 seed)", "RewriteCond %{HTTP:Upgrade} websocket [NC] "
                + "RewriteCond %{HTTP:Connection} upgrade [NC] RewriteRule ^/?(.*) \"ws://example.com:9080/$1\" [P,L]",
                Req.get("/chat").header("Upgrade", "WebSocket").header("Connection", "keep-alive, Upgrade"),
                "proxy ws://example.com:9080/chat");
        row("the seed leaves plain requests to the routes", "RewriteCond %{HTTP:Upgrade} websocket [NC] "
                + "RewriteCond %{HTTP:Connection} upgrade [NC] RewriteRule ^/?(.*) \"ws://example.com:9080/$1\" [P,L]",
                Req.get("/chat"), "unchanged");
        row("P qualifies a relative target with this host", "RewriteRule ^/a /b [P]", Req.get("/a"),
                "proxy http://example.com/b");

        // flags.html#flag_pt — accepted; "the use of the [PT] flag implies the [L] flag"
        row("PT implies L", "RewriteRule ^/a /b [PT] RewriteRule ^/b /c", Req.get("/a"), "rewrite /b");

        // flags.html#flag_qsa — "/pages/123?one=two" maps to /page.php?page=123&one=two
        row("QSA appends the original query", "RewriteRule /pages/(.+) /page.php?page=$1 [QSA]",
                Req.get("/pages/123?one=two"), "rewrite /page.php?page=123&one=two");
        row("without QSA the new query replaces it", "RewriteRule /pages/(.+) /page.php?page=$1",
                Req.get("/pages/123?one=two"), "rewrite /page.php?page=123");
        row("QSA without original query", "RewriteRule /pages/(.+) /page.php?page=$1 [QSA]",
                Req.get("/pages/123"), "rewrite /page.php?page=123");

        // flags.html#flag_qsd — discard the query string; mod_rewrite.html (Modifying the Query String):
        // "erase an existing query string, end the substitution string with just a question mark"
        row("QSD discards the query", "RewriteRule ^/old /new [QSD]", Req.get("/old?a=1"), "rewrite /new");
        row("a final ? erases the query", "RewriteRule ^/old /new?", Req.get("/old?a=1"), "rewrite /new");
        row("no ? keeps the query", "RewriteRule ^/old /new", Req.get("/old?a=1"), "rewrite /new?a=1");

        // flags.html#flag_qsl — split at the last ?
        row("QSL splits at the last ?", "RewriteRule ^/(.*)$ /x\\?y?q=1 [QSL]", Req.get("/a"),
                "rewrite /x%3Fy?q=1");

        // flags.html#flag_r — default 302; R=code, permanent; a relative target is made absolute with this
        // server's scheme, host and port; "a status code outside the redirect range (300-399) ... the
        // substitution string is dropped entirely, and rewriting is stopped as if the L were used"
        row("R redirects with 302", "RewriteRule ^/old /new [R]", Req.get("/old"), "redirect 302 http://example.com/new");
        row("R=301 keeps the client's port", "RewriteRule ^/old /new [R=301]",
                Req.get("/old").header("Host", "example.com:8080"), "redirect 301 http://example.com:8080/new");
        row("R=permanent over TLS", "RewriteRule ^/old /new [R=permanent]", Req.get("/old").secure(),
                "redirect 301 https://example.com/new");
        row("R to an absolute URL", "RewriteRule ^/old http://other.example/x [R=303]", Req.get("/old"),
                "redirect 303 http://other.example/x");
        row("R keeps the query", "RewriteRule ^/old /new [R,L]", Req.get("/old?a=1&b=2"),
                "redirect 302 http://example.com/new?a=1&b=2");
        row("R outside 3xx is a status", "RewriteRule ^/old /new [R=403] RewriteRule ^ /x", Req.get("/old"),
                "status 403");

        // flags.html#flag_s — skip the next n rules when this rule matches
        row("S skips when it matches", "RewriteRule ^/a - [S=1] RewriteRule ^ /skipped RewriteRule ^/a /done",
                Req.get("/a"), "rewrite /done");
        row("S does nothing when it does not match", "RewriteRule ^/a - [S=1] RewriteRule ^ /skipped "
                + "RewriteRule ^/a /done", Req.get("/b"), "rewrite /skipped");

        // mod_rewrite.html#rewriterule — substitution forms (server context)
        row("- leaves the URI", "RewriteRule ^/a -", Req.get("/a?q=1"), "unchanged");
        row("an absolute URL to this host is reduced to its path", "RewriteRule ^/a http://example.com/b",
                Req.get("/a"), "rewrite /b");
        row("an absolute URL to another host redirects", "RewriteRule ^/a http://other.example/b", Req.get("/a"),
                "redirect 302 http://other.example/b");
        row("! negates the pattern", "RewriteRule !^/api /api/fallback", Req.get("/x"), "rewrite /api/fallback");
        row("! pattern not applied to a match", "RewriteRule !^/api /api/fallback", Req.get("/api/x"), "unchanged");
        row("$N back-references", "RewriteRule ^/(\\w+)/(\\w+)$ /$2/$1", Req.get("/one/two"), "rewrite /two/one");
        row("a back-reference beyond the groups is empty", "RewriteRule ^/(a) /x$1$2y", Req.get("/a"),
                "rewrite /xay");
        row("\\$ is a literal dollar", "RewriteRule ^/(a) /x\\$1", Req.get("/a"), "rewrite /x$1");
        row("a substitution that is no URL-path is refused", "RewriteRule ^/a b", Req.get("/a"), "status 400");
        row("dot-segments of the result are resolved", "RewriteRule ^/a/(.*) /b/../c/$1", Req.get("/a/x"),
                "rewrite /c/x");
        row("rule sets need RewriteEngine on", "RewriteEngine off RewriteRule ^/a /b", Req.get("/a"), "unchanged");

        // mod_rewrite.html#rewritecond — conditions, [OR], [NC], !, %N, comparisons
        row("OR: first alternative", "RewriteCond %{HTTP_HOST} ^a\\.example$ [OR] "
                + "RewriteCond %{HTTP_HOST} ^b\\.example$ RewriteRule ^/ /ab", Req.get("/").header("Host", "a.example"),
                "rewrite /ab");
        row("OR: second alternative", "RewriteCond %{HTTP_HOST} ^a\\.example$ [OR] "
                + "RewriteCond %{HTTP_HOST} ^b\\.example$ RewriteRule ^/ /ab", Req.get("/").header("Host", "b.example"),
                "rewrite /ab");
        row("OR: neither", "RewriteCond %{HTTP_HOST} ^a\\.example$ [OR] "
                + "RewriteCond %{HTTP_HOST} ^b\\.example$ RewriteRule ^/ /ab", Req.get("/").header("Host", "c.example"),
                "unchanged");
        row("conditions without OR are all needed", "RewriteCond %{HTTP_HOST} ^example\\.com$ "
                + "RewriteCond %{REQUEST_METHOD} ^POST$ RewriteRule ^/ /both", Req.get("/"), "unchanged");
        row("NC on a condition", "RewriteCond %{HTTP_HOST} ^EXAMPLE\\.COM$ [NC] RewriteRule ^/ /nc", Req.get("/"),
                "rewrite /nc");
        row("! on a condition", "RewriteCond %{HTTP_USER_AGENT} !^Mozilla RewriteRule ^/ /bot",
                Req.get("/").header("User-Agent", "curl/8"), "rewrite /bot");
        row("%N from the last matched condition", "RewriteCond %{HTTP_HOST} ^(www\\.)?(.+)$ RewriteRule ^/(.*) /%2/$1",
                Req.get("/x").header("Host", "www.example.org"), "rewrite /example.org/x");
        row("< is lexical with the shorter string first", "RewriteCond %{QUERY_STRING} <b RewriteRule ^/ /lt",
                Req.get("/?aa"), "unchanged");
        row("< on equal lengths compares bytes", "RewriteCond %{QUERY_STRING} <bb RewriteRule ^/ /lt",
                Req.get("/?aa"), "rewrite /lt?aa");
        row("> lexical", "RewriteCond %{QUERY_STRING} >9 RewriteRule ^/ /gt", Req.get("/?10"), "rewrite /gt?10");
        row("= exact", "RewriteCond %{REQUEST_METHOD} =GET RewriteRule ^/ /eq", Req.get("/"), "rewrite /eq");
        row("= with NC", "RewriteCond %{REQUEST_METHOD} =get [NC] RewriteRule ^/ /eq", Req.get("/"), "rewrite /eq");
        row("= is not a prefix match", "RewriteCond %{REQUEST_METHOD} =GE RewriteRule ^/ /eq", Req.get("/"),
                "unchanged");
        row("<= and >=", "RewriteCond %{QUERY_STRING} <=ab RewriteCond %{QUERY_STRING} >=ab RewriteRule ^/ /le",
                Req.get("/?ab"), "rewrite /le?ab");
        row("-lt and -ge are numeric", "RewriteCond %{TIME_HOUR} -lt5 RewriteCond %{TIME_HOUR} -ge4 RewriteRule ^/ /n",
                Req.get("/"), "rewrite /n");
        row("-eq -ne -gt -le", "RewriteCond %{QUERY_STRING} -eq10 RewriteCond %{QUERY_STRING} -ne9 "
                + "RewriteCond %{QUERY_STRING} -gt9 RewriteCond %{QUERY_STRING} -le10 RewriteRule ^/ /n",
                Req.get("/?10"), "rewrite /n?10");
        row("file tests are false here", "RewriteCond %{REQUEST_FILENAME} -f RewriteRule ^/ /file", Req.get("/"),
                "unchanged");
        row("!-f is true here", "RewriteCond %{REQUEST_FILENAME} !-f RewriteRule ^/(.*) /index.php?p=$1",
                Req.get("/a"), "rewrite /index.php?p=a");
        row("conditions are evaluated only for their rule", "RewriteCond %{HTTP_HOST} ^nomatch$ "
                + "RewriteRule ^/a /x RewriteRule ^/a /y", Req.get("/a"), "rewrite /y");

        return CASES.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void ruleHasHttpdOutcome(String name, String rules, Req req, String expected) {
        assertEquals(expected, Rewrites.run(rules, req), () -> rules + " on " + req);
    }
}
