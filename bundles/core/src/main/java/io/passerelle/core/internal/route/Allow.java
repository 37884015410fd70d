package io.passerelle.core.internal.route;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import io.passerelle.common.config.ConfigException;

/**
 * The route key {@code allow} (SPEC §4.2, httpd's {@code Require ip}): client addresses as a comma-separated
 * list of CIDRs ({@code 10.0.0.0/8}, {@code 2001:db8::/32}) or single addresses. Parsed on the configuration
 * thread from literals only (no name is ever looked up); matched on the I/O threads without allocation.
 */
public final class Allow {

    /** Everyone. */
    static final Allow EVERYONE = new Allow(List.of(), "everyone");
    /** {@code 127.0.0.0/8, ::1}: the default of {@code status:} routes. */
    static final Allow LOOPBACK = parse("127.0.0.0/8, ::1");

    private record Range(byte[] network, int bits) {
        boolean contains(byte[] a) {
            if (a.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (a[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Range> ranges;
    private final String text;

    private Allow(List<Range> ranges, String text) {
        this.ranges = ranges;
        this.text = text;
    }

    /** @throws ConfigException naming {@code allow} for anything but addresses and CIDRs */
    static Allow parse(String value) {
        List<Range> ranges = new ArrayList<>();
        for (String item : value.split(",")) {
            String s = item.trim();
            if (s.isEmpty()) {
                continue;
            }
            int slash = s.indexOf('/');
            String address = slash < 0 ? s : s.substring(0, slash);
            byte[] bytes = literal(address, s);
            int bits = bytes.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(s.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > bytes.length * 8) {
                    throw new ConfigException("allow", "'" + s + "': the prefix length must be 0.." + bytes.length * 8);
                }
            }
            ranges.add(new Range(bytes, bits));
        }
        if (ranges.isEmpty()) {
            throw new ConfigException("allow", "no address or CIDR given");
        }
        return new Allow(List.copyOf(ranges), value.trim());
    }

    private static byte[] literal(String address, String item) {
        boolean v4 = !address.isEmpty() && address.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))
                && address.chars().filter(c -> c == '.').count() == 3;
        boolean v6 = address.indexOf(':') >= 0 && address.chars().allMatch(c -> c == ':' || c == '.'
                || Character.digit(c, 16) >= 0);
        if (!v4 && !v6) {
            throw new ConfigException("allow", "'" + item + "' is not an IP address or CIDR (host names are not looked up)");
        }
        try {
            return InetAddress.getByName(address).getAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new ConfigException("allow", "'" + item + "' is not an IP address or CIDR");
        }
    }

    boolean allows(InetAddress client) {
        if (ranges.isEmpty()) {
            return true;
        }
        byte[] a = client.getAddress();
        for (int i = 0, n = ranges.size(); i < n; i++) {
            if (ranges.get(i).contains(a)) {
                return true;
            }
        }
        // an IPv4 client seen through an IPv6 socket (::ffff:a.b.c.d)
        if (a.length == 16 && isMappedV4(a)) {
            byte[] v4 = {a[12], a[13], a[14], a[15]};
            for (int i = 0, n = ranges.size(); i < n; i++) {
                if (ranges.get(i).contains(v4)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isMappedV4(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
    }

    @Override
    public String toString() {
        return text;
    }
}
