package io.passerelle.common.regex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.junit.jupiter.api.Test;

class RegexesTest {

    @Test
    void aPatternTheJdkCompilesButCannotMatchWithIsRefused() {
        String broken = "[Pw\uffff\uffff\uffff?ebso&&&q&cket(?N,Lw]";
        Pattern p = Pattern.compile(broken); // the JDK takes it...
        assertThrows(NullPointerException.class, () -> p.matcher("/w").find()); // ...and fails when matching a w
        PatternSyntaxException e = assertThrows(PatternSyntaxException.class, () -> Regexes.compile(broken, 0));
        assertTrue(e.getDescription().contains("fails when matching"), e.getDescription());
        assertEquals(broken, e.getPattern());
    }

    @Test
    void ordinaryPatternsAreCompiledWithTheirFlags() {
        assertTrue(Regexes.compile("^/app/(.*)$", 0).matcher("/app/x").matches());
        assertTrue(Regexes.compile("^/APP", Pattern.CASE_INSENSITIVE).matcher("/app").find());
        assertThrows(PatternSyntaxException.class, () -> Regexes.compile("(", 0));
    }
}
