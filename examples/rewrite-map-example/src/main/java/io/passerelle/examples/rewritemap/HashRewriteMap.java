package io.passerelle.examples.rewritemap;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

import org.osgi.service.component.annotations.Component;

import io.passerelle.api.spi.RewriteMap;

/**
 * A RewriteMap of type {@code hash}: {@code RewriteMap shard hash:4} declares a map whose lookup
 * {@code ${shard:KEY}} gives a stable bucket {@code 0..3} for {@code KEY} (CRC-32 of its UTF-8 bytes, modulo
 * the bucket count). Useful to pin clients to a backend without a balancer:
 *
 * <pre>
 * RewriteMap shard hash:3
 * RewriteRule ^/(.*) http://backend-${shard:%{REMOTE_ADDR}}.internal:8080/$1 [P]
 * </pre>
 *
 * Lookups compute only: they never block, as the SPI requires.
 */
@Component(service = RewriteMap.class, property = RewriteMap.TYPE + "=hash")
public final class HashRewriteMap implements RewriteMap {

    @Override
    public String lookup(String argument, String key) {
        int buckets = buckets(argument);
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return Long.toString(crc.getValue() % buckets);
    }

    @Override
    public void prepare(String argument) {
        buckets(argument);
    }

    private static int buckets(String argument) {
        try {
            int n = Integer.parseInt(argument.strip());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("hash: needs a positive bucket count, e.g. hash:4, not '" + argument + "'");
    }
}
