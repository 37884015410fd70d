package io.passerelle.common.osgi;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** Reading whiteboard service properties, which OSGi lets be a single value, an array or a collection. */
public final class ServiceProperties {

    private ServiceProperties() {
    }

    /** Every value of a property ({@code scheme=[http,https]}), trimmed and lower-cased; empty when absent. */
    public static List<String> names(Object property) {
        return values(property).stream().map(v -> v.toLowerCase(Locale.ROOT)).toList();
    }

    /** Every value of a property, trimmed (case kept); empty when absent. */
    public static List<String> values(Object property) {
        List<String> out = new ArrayList<>(2);
        if (property instanceof Object[] array) {
            for (Object o : array) {
                add(out, o);
            }
        } else if (property instanceof Collection<?> c) {
            for (Object o : c) {
                add(out, o);
            }
        } else {
            add(out, property);
        }
        return out;
    }

    private static void add(List<String> out, Object o) {
        if (o != null && !o.toString().isBlank()) {
            out.add(o.toString().trim());
        }
    }
}
