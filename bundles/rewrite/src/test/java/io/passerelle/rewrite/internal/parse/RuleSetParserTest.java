package io.passerelle.rewrite.internal.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.passerelle.rewrite.internal.engine.Condition;
import io.passerelle.rewrite.internal.engine.Rule;
import io.passerelle.rewrite.internal.engine.Template;

class RuleSetParserTest {

    /** The SPEC §4.6 seed as Config Admin delivers it: the .cfg continuation lines joined into one. */
    static final String SEED = "RewriteEngine on RewriteCond %{HTTP:Upgrade} websocket [NC] "
            + "RewriteCond %{HTTP:Connection} upgrade [NC] RewriteRule ^/?(.*) \"ws://example.com:9080/$1\" [P,L]";

    private static String error(String rules) {
        return assertThrows(RewriteSyntaxException.class, () -> RuleSetParser.parseValue("t", rules)).getMessage();
    }

    @Test
    void seedSplitsIntoDirectivesOnTheirKeywords() throws Exception {
        ParsedRuleSet p = RuleSetParser.parseValue("websocket", SEED);
        assertTrue(p.engineOn());
        assertEquals(1, p.rules().size());
        Rule r = p.rules().get(0);
        assertEquals("^/?(.*)", r.pattern().pattern());
        assertEquals("ws://example.com:9080/$1", r.substitution().source());
        assertTrue(r.flags().proxy());
        assertTrue(r.flags().last());
        assertEquals(2, r.conditions().size());
        Condition c = r.conditions().get(0);
        assertEquals("RewriteCond %{HTTP:Upgrade} websocket [NC]", c.source());
        assertTrue(c.noCase());
        assertTrue(c.regex().matcher("WebSocket").find());
        assertEquals("RewriteRule ^/?(.*) \"ws://example.com:9080/$1\" [P,L]", r.source());
    }

    @Test
    void keywordsAreCaseInsensitiveAndQuotedKeywordsDoNotSplit() throws Exception {
        ParsedRuleSet p = RuleSetParser.parseValue("t", "rewriteengine On rewriterule ^/a \"RewriteRule\"");
        assertEquals(1, p.rules().size());
        assertEquals("RewriteRule", p.rules().get(0).substitution().source());
    }

    @Test
    void quotedArgumentsKeepBlanks() throws Exception {
        Rule r = RuleSetParser.parseValue("t", "RewriteRule \"^/a b$\" '/c d' [L]").rules().get(0);
        assertEquals("^/a b$", r.pattern().pattern());
        assertEquals("/c d", r.substitution().source());
    }

    @Test
    void backslashBlankKeepsTheBlankInTheArgument() throws Exception {
        Rule r = RuleSetParser.parseValue("t", "RewriteRule ^/a\\ b$ /c").rules().get(0);
        assertTrue(r.pattern().matcher("/a b").find());
        assertEquals("/c", r.substitution().source());
    }

    @Test
    void backslashQuoteInsideQuotesKeepsTheQuote() throws Exception {
        Rule r = RuleSetParser.parseValue("t", "RewriteRule \"^/say\\\"hi$\" /x").rules().get(0);
        assertTrue(r.pattern().matcher("/say\"hi").find());
    }

    @Test
    void flagsWithValues() throws Exception {
        Rule r = RuleSetParser.parseValue("t", "RewriteRule ^/a /b [R=301,S=2,E=x:1,E=!y,QSA,NE,B,nocase,chain]")
                .rules().get(0);
        assertEquals(301, r.flags().redirect());
        assertEquals(2, r.flags().skip());
        assertEquals(2, r.flags().env().size());
        assertNull(r.flags().env().get(1).value());
        assertTrue(r.flags().qsAppend() && r.flags().noEscape() && r.flags().escapeBackrefs() && r.flags().noCase()
                && r.flags().chain());
        assertEquals(403, RuleSetParser.parseValue("t", "RewriteRule ^/a - [forbidden]").rules().get(0).flags().status());
        assertEquals(410, RuleSetParser.parseValue("t", "RewriteRule ^/a - [gone]").rules().get(0).flags().status());
        assertEquals(404, RuleSetParser.parseValue("t", "RewriteRule ^/a - [R=404]").rules().get(0).flags().status());
        assertEquals(303, RuleSetParser.parseValue("t", "RewriteRule ^/a /b [R=seeother]").rules().get(0).flags().redirect());
        assertNull(RuleSetParser.parseValue("t", "RewriteRule ^/a -").rules().get(0).substitution());
    }

    @Test
    void mapLookupsNestVariablesInKeyAndDefault() throws Exception {
        Rule r = RuleSetParser.parseValue("t", "RewriteMap m int:tolower RewriteRule ^/(.*) /${m:%{HTTP_HOST}|x$1}")
                .rules().get(0);
        List<Template.Part> parts = r.substitution().parts();
        assertEquals(2, parts.size());
        Template.MapLookup m = assertInstanceOf(Template.MapLookup.class, parts.get(1));
        assertEquals("m", m.map());
        assertInstanceOf(Template.Var.class, m.key().parts().get(0));
        assertEquals("x$1", m.fallback().source());
    }

    @Test
    void mapDeclarations() throws Exception {
        ParsedRuleSet p = RuleSetParser.parseValue("t", "RewriteMap hosts txt:/etc/hosts.map RewriteMap up int:toupper "
                + "RewriteMap r reverse:");
        assertEquals(List.of(new MapDeclaration("hosts", "txt", "/etc/hosts.map", "rule set 't': RewriteMap at column 1"),
                new MapDeclaration("up", "int", "toupper", "rule set 't': RewriteMap at column 37"),
                new MapDeclaration("r", "reverse", "", "rule set 't': RewriteMap at column 63")), p.maps());
    }

    @Test
    void engineIsOffUnlessSwitchedOn() throws Exception {
        assertFalse(RuleSetParser.parseValue("t", "RewriteRule ^/a /b").engineOn());
        assertFalse(RuleSetParser.parseValue("t", "RewriteEngine on RewriteEngine off").engineOn());
    }

    @Test
    void optionsAreAcceptedInServerContext() throws Exception {
        RuleSetParser.parseValue("t", "RewriteOptions Inherit AllowAnyURI RewriteEngine on");
        assertEquals("rule set 't': RewriteOptions at column 1: unknown option 'Bogus' (column 16)",
                error("RewriteOptions Bogus"));
    }

    @Test
    void unknownFlagNamesRuleSetDirectiveAndColumn() {
        assertEquals("rule set 't': RewriteRule at column 18: unknown flag 'XY' (column 40)",
                error("RewriteEngine on RewriteRule ^/a /b [L,XY]"));
    }

    @Test
    void unknownConditionFlag() {
        assertEquals("rule set 't': RewriteCond at column 1: unknown condition flag 'L' (column 29)",
                error("RewriteCond %{HTTP_HOST} x [L] RewriteRule ^ -"));
    }

    @Test
    void invalidRegexNamesItsColumn() {
        String m = error("RewriteEngine on RewriteRule ^/(a /b");
        assertTrue(m.startsWith("rule set 't': RewriteRule at column 18: invalid regular expression '^/(a': "), m);
        assertTrue(m.endsWith("(column 34)"), m);
    }

    @Test
    void aRegexTheJdkCompilesButCannotMatchWithIsRefusedWhenParsed() {
        // found by RuleSetFuzzTest: the JDK compiles this class and throws a NullPointerException on every find()
        String m = error("RewriteEngine on RewriteRule [Pw\uffff\uffff?ebso&&&q] /b");
        assertTrue(m.startsWith("rule set 't': RewriteRule at column 18: invalid regular expression '[Pw"), m);
        assertTrue(m.contains("Java's regex engine fails when matching with it (NullPointerException)"), m);
    }

    @Test
    void unterminatedQuote() {
        assertEquals("rule set 't': column 30: unterminated quoted argument (missing \")",
                error("RewriteEngine on RewriteRule \"^/a /b"));
    }

    @Test
    void textThatIsNoDirective() {
        assertEquals("rule set 't': column 1: 'ProxyPass' is not a mod_rewrite directive (RewriteEngine, RewriteCond, "
                + "RewriteRule, RewriteMap or RewriteOptions expected)", error("ProxyPass / http://x/"));
    }

    @Test
    void blanksInsideFlagsAreTooManyArguments() {
        assertEquals("rule set 't': RewriteRule at column 1: too many arguments (RewriteRule Pattern Substitution "
                + "[flags]; flags are written without blanks) (column 28)", error("RewriteRule ^/a /b [R=301, L]"));
    }

    @Test
    void missingArguments() {
        assertEquals("rule set 't': RewriteRule at column 18: expects RewriteRule Pattern Substitution [flags]",
                error("RewriteEngine on RewriteRule ^/a"));
        assertEquals("rule set 't': RewriteEngine at column 1: 'maybe' is neither on nor off (column 15)",
                error("RewriteEngine maybe"));
    }

    @Test
    void conditionWithoutRule() {
        assertEquals("rule set 't': RewriteCond at column 18: RewriteCond is not followed by a RewriteRule",
                error("RewriteEngine on RewriteCond %{HTTP_HOST} x"));
    }

    @Test
    void badFlagValues() {
        assertEquals("rule set 't': RewriteRule at column 1: flag R needs a number of at least 100, not 'x' (column 21)",
                error("RewriteRule ^/a /b [R=x]"));
        assertEquals("rule set 't': RewriteRule at column 1: '700' is not an HTTP status code (column 21)",
                error("RewriteRule ^/a /b [R=700]"));
        assertEquals("rule set 't': RewriteRule at column 1: flag S needs a number, not '' (column 21)",
                error("RewriteRule ^/a /b [S]"));
        assertEquals("rule set 't': RewriteRule at column 1: flag CO (cookie) is not supported (column 21)",
                error("RewriteRule ^/a /b [CO=a:b:c]"));
        assertEquals("rule set 't': RewriteRule at column 1: flags 'L' must be written [FLAG,FLAG,...] (column 20)",
                error("RewriteRule ^/a /b L"));
    }

    @Test
    void badMaps() {
        assertEquals("rule set 't': RewriteMap at column 1: internal map 'rot13' does not exist (tolower, toupper, "
                + "escape or unescape) (column 14)", error("RewriteMap m int:rot13"));
        assertEquals("rule set 't': RewriteMap at column 1: 'nocolon' is not TYPE:SOURCE (column 14)",
                error("RewriteMap m nocolon"));
        assertEquals("rule set 't': RewriteMap at column 1: txt: map needs a file name (column 14)",
                error("RewriteMap m txt:"));
    }

    @Test
    void unclosedVariable() {
        assertEquals("rule set 't': RewriteRule at column 1: '%{' without its closing '}' (column 18)",
                error("RewriteRule ^/a /%{HTTP_HOST"));
    }

    @Test
    void rewriteBaseIsPerDirectoryOnly() {
        assertTrue(error("RewriteBase /x").contains("only valid in per-directory context"));
    }

    @Test
    void fileFormatWithCommentsContinuationsAndIfModule() throws Exception {
        String text = "# a comment\n<IfModule mod_rewrite.c>\nRewriteEngine On\n\n"
                + "  RewriteCond %{HTTP_HOST} ^old\\.example$ [NC]\n"
                + "RewriteRule ^/(.*) \\\n    http://new.example/$1 [R=301,L]\n</IfModule>\n";
        ParsedRuleSet p = RuleSetParser.parseFile("f", text);
        assertTrue(p.engineOn());
        assertEquals(1, p.rules().size());
        assertEquals("http://new.example/$1", p.rules().get(0).substitution().source());
        assertEquals(1, p.rules().get(0).conditions().size());
    }

    @Test
    void fileErrorsNameTheLine() {
        String m = assertThrows(RewriteSyntaxException.class,
                () -> RuleSetParser.parseFile("f", "RewriteEngine on\n# x\nRewriteRule ^/a /b [Q]\n")).getMessage();
        assertEquals("rule set 'f': RewriteRule at line 3, column 1: unknown flag 'Q' (line 3, column 21)", m);
    }
}
