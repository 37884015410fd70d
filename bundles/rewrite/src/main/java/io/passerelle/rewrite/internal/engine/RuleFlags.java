package io.passerelle.rewrite.internal.engine;

import java.util.List;

/**
 * The flags of one {@code RewriteRule} (httpd's rewrite/flags.html).
 *
 * @param chain          {@code C}: when this rule does not match, the rules chained after it are skipped
 * @param noCase         {@code NC}
 * @param last           {@code L}
 * @param end            {@code END}
 * @param proxy          {@code P}
 * @param passThrough    {@code PT}: accepted; implies {@code L} as in httpd
 * @param redirect       {@code R[=code]}: a 3xx status, 0 when absent
 * @param status         {@code F} (403), {@code G} (410) or {@code R=code} outside 3xx: 0 when absent
 * @param qsAppend       {@code QSA}
 * @param qsDiscard      {@code QSD}
 * @param qsLast         {@code QSL}: split the query at the last {@code ?}
 * @param noEscape       {@code NE}
 * @param escapeBackrefs {@code B}
 * @param escapeOnly     {@code B=chars}: the characters to escape, null for all but alphanumerics
 * @param noPlus         {@code BNP}: a space in a back-reference becomes {@code %20}, not {@code +}
 * @param skip           {@code S=n}
 * @param next           {@code N[=limit]}: 0 when absent, else the maximum number of rounds
 * @param env            {@code E=var:val} and {@code E=!var}, in order
 */
public record RuleFlags(boolean chain, boolean noCase, boolean last, boolean end, boolean proxy, boolean passThrough,
        int redirect, int status, boolean qsAppend, boolean qsDiscard, boolean qsLast, boolean noEscape,
        boolean escapeBackrefs, String escapeOnly, boolean noPlus, int skip, int next, List<EnvAssign> env) {

    /** {@code E=var:value} ({@code value} a template) or {@code E=!var} ({@code value} null). */
    public record EnvAssign(String name, Template value) {
    }

    public static final RuleFlags NONE = new RuleFlags(false, false, false, false, false, false, 0, 0, false, false,
            false, false, false, null, false, 0, 0, List.of());

    /** Whether a match stops the list ({@code L}, {@code END}, {@code P}, {@code PT}). */
    public boolean stops() {
        return last || end || proxy || passThrough;
    }
}
