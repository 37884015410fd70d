package io.passerelle.core.internal.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.api.Test;

import io.passerelle.common.config.ConfigException;

/** The route key {@code allow} (SPEC §4.2, httpd's {@code Require ip}). */
class AllowTest {

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    @Test
    void cidrsAndSingleAddressesOfBothFamilies() throws UnknownHostException {
        Allow a = Allow.parse("10.0.0.0/8, 192.168.1.7, 2001:db8::/32, ::1");
        assertTrue(a.allows(ip("10.1.2.3")));
        assertTrue(a.allows(ip("192.168.1.7")));
        assertFalse(a.allows(ip("192.168.1.8")));
        assertFalse(a.allows(ip("11.0.0.1")));
        assertTrue(a.allows(ip("2001:db8:1::5")));
        assertFalse(a.allows(ip("2001:db9::1")));
        assertTrue(a.allows(ip("::1")));
        assertFalse(a.allows(ip("127.0.0.1")));
    }

    @Test
    void prefixesThatAreNotWholeBytes() throws UnknownHostException {
        Allow a = Allow.parse("172.16.0.0/12");
        assertTrue(a.allows(ip("172.31.255.255")));
        assertFalse(a.allows(ip("172.32.0.0")));
        assertFalse(a.allows(ip("172.15.255.255")));
        assertTrue(Allow.parse("0.0.0.0/0").allows(ip("8.8.8.8")));
    }

    @Test
    void anIpv4ClientSeenThroughAnIpv6SocketIsMatchedAsIpv4() throws UnknownHostException {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 127;
        mapped[15] = 1;
        assertTrue(Allow.LOOPBACK.allows(InetAddress.getByAddress(mapped)));
        assertTrue(Allow.LOOPBACK.allows(ip("127.8.9.10")));
        assertFalse(Allow.LOOPBACK.allows(ip("10.0.0.1")));
    }

    @Test
    void namesAndNonsenseAreRejectedNamingTheKey() {
        for (String bad : new String[] {"localhost", "10.0.0.0/33", "10.0.0/8", "::1/129", "10.0.0.1/x", " , ",
                "1.2.3.4.5", "example.com/24"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> Allow.parse(bad), bad);
            assertEquals("allow", e.key(), bad);
        }
    }
}
