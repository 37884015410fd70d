package io.passerelle.rewrite.internal.engine;

import java.util.List;

/**
 * A compiled test string or substitution (httpd's {@code do_expand}): literal text, {@code $N} and
 * {@code %N} back-references, {@code %{VAR}} variables and {@code ${map:key|default}} lookups.
 */
public final class Template {

    /** One piece of a template. */
    public sealed interface Part {
    }

    /** Literal text. */
    public record Literal(String text) implements Part {
    }

    /** {@code $N} (rule) or {@code %N} (condition) back-reference. */
    public record BackRef(boolean rule, int n) implements Part {
    }

    /** {@code %{NAME}}. */
    public record Var(Variable.Ref ref) implements Part {
    }

    /** {@code ${map:key|default}}; {@code fallback} is null when no default was written. */
    public record MapLookup(String map, Template key, Template fallback) implements Part {
    }

    private final String source;
    private final Part[] parts;
    private final String constant;

    public Template(String source, List<Part> parts) {
        this.source = source;
        this.parts = parts.toArray(new Part[0]);
        if (this.parts.length == 0) {
            constant = "";
        } else if (this.parts.length == 1 && this.parts[0] instanceof Literal l) {
            constant = l.text();
        } else {
            constant = null;
        }
    }

    /** The text as written. */
    public String source() {
        return source;
    }

    public List<Part> parts() {
        return List.of(parts);
    }

    /** Whether a back-reference or lookup of that map name occurs (for validation). */
    public boolean usesMap(String name) {
        for (Part p : parts) {
            if (p instanceof MapLookup m && (m.map().equals(name) || m.key().usesMap(name)
                    || (m.fallback() != null && m.fallback().usesMap(name)))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Expands for one request.
     *
     * @param rule the rule whose {@code [B]} flags escape back-references, or null
     */
    public String expand(EvalContext ctx, RuleFlags rule) {
        if (constant != null) {
            return constant;
        }
        StringBuilder out = new StringBuilder(64);
        expandInto(out, ctx, rule);
        return out.toString();
    }

    void expandInto(StringBuilder out, EvalContext ctx, RuleFlags rule) {
        if (constant != null) {
            out.append(constant);
            return;
        }
        for (Part p : parts) {
            if (p instanceof Literal l) {
                out.append(l.text());
            } else if (p instanceof BackRef b) {
                String v = ctx.backref(b.rule(), b.n());
                if (v != null) {
                    if (rule != null && rule.escapeBackrefs()) {
                        Escapes.appendBackref(out, v, rule.escapeOnly(), rule.noPlus());
                    } else {
                        out.append(v);
                    }
                }
            } else if (p instanceof Var v) {
                out.append(ctx.variable(v.ref()));
            } else if (p instanceof MapLookup m) {
                String key = m.key().expand(ctx, rule);
                String value = ctx.lookup(m.map(), key);
                if (value == null || value.isEmpty()) {
                    if (m.fallback() != null) {
                        m.fallback().expandInto(out, ctx, rule);
                    }
                } else {
                    out.append(value);
                }
            }
        }
    }

    @Override
    public String toString() {
        return source;
    }
}
