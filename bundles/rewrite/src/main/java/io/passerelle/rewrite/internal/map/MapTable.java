package io.passerelle.rewrite.internal.map;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.api.spi.RewriteMap;
import io.passerelle.rewrite.internal.engine.MapSource;

/** The maps declared by the rule sets in force, by name (immutable; the services map is concurrent). */
public final class MapTable implements MapSource {

    private static final Logger LOG = LoggerFactory.getLogger(MapTable.class);

    /** One declared map. */
    public interface Binding {
        String lookup(String key);

        String describe();
    }

    /** {@code txt:} map. */
    public record Txt(TxtMapFile file) implements Binding {
        @Override
        public String lookup(String key) {
            return file.get(key);
        }

        @Override
        public String describe() {
            return "txt:" + file.path();
        }
    }

    /** {@code rnd:} map: one of the {@code |}-separated values, at random. */
    public record Rnd(TxtMapFile file) implements Binding {
        @Override
        public String lookup(String key) {
            String v = file.get(key);
            if (v == null || v.indexOf('|') < 0) {
                return v;
            }
            String[] alternatives = v.split("\\|");
            return alternatives[ThreadLocalRandom.current().nextInt(alternatives.length)];
        }

        @Override
        public String describe() {
            return "rnd:" + file.path();
        }
    }

    /** {@code int:} map. */
    public record Int(String function) implements Binding {
        @Override
        public String lookup(String key) {
            return InternalMaps.apply(function, key);
        }

        @Override
        public String describe() {
            return "int:" + function;
        }
    }

    /** A map type registered by another bundle through the {@link RewriteMap} SPI (looked up at each call). */
    public record Service(String type, String argument, Function<String, RewriteMap> services) implements Binding {
        @Override
        public String lookup(String key) {
            RewriteMap map = services.apply(type);
            if (map == null) {
                return null;
            }
            try {
                return map.lookup(argument, key);
            } catch (RuntimeException e) {
                LOG.debug("RewriteMap of type {} failed on key {}", type, key, e);
                return null;
            }
        }

        @Override
        public String describe() {
            return type + ":" + argument;
        }
    }

    private final Map<String, Binding> bindings;

    public MapTable(Map<String, Binding> bindings) {
        this.bindings = Map.copyOf(bindings);
    }

    public Map<String, Binding> bindings() {
        return bindings;
    }

    @Override
    public String lookup(String map, String key) {
        Binding b = bindings.get(map);
        return b == null ? null : b.lookup(key);
    }
}
