package io.passerelle.core.internal.httpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * SPEC §4.10: the configuration examples of httpd's own documentation (mod_proxy, mod_proxy_wstunnel,
 * mod_proxy_balancer, mod_rewrite) translated into .cfg files, read back as Karaf reads them (Java properties).
 */
class HttpdImportTest {

    private static Map<String, Map<String, String>> files(HttpdImport.Result r) throws IOException {
        Map<String, Map<String, String>> out = new TreeMap<>();
        for (HttpdImport.CfgFile f : r.files()) {
            Properties p = new Properties();
            p.load(new StringReader(f.content()));
            out.put(f.name(), p.entrySet().stream()
                    .collect(Collectors.toMap(e -> (String) e.getKey(), e -> (String) e.getValue(), (a, b) -> b, TreeMap::new)));
        }
        return out;
    }

    /** mod_proxy_wstunnel's examples, as SPEC §9 lists them. */
    @Test
    void theWebSocketSeedConfigurations() throws IOException {
        HttpdImport.Result r = HttpdImport.translate("""
                LoadModule proxy_wstunnel_module modules/mod_proxy_wstunnel.so
                ProxyPass "/ws2/"  "ws://echo.websocket.org/"
                ProxyPass "/wss2/" "wss://echo.websocket.org/"
                ProxyPassMatch ^/(myApp/ws)$ ws://backend.example.com:9080/$1
                ProxyPass / http://example.com:9080/
                """, "httpd.conf");
        Map<String, Map<String, String>> f = files(r);
        assertEquals(Map.of("path", "/ws2/", "url", "ws://echo.websocket.org/", "order", "10", "reverse", "false"),
                f.get("io.passerelle.route-ws2.cfg"));
        assertEquals("wss://echo.websocket.org/", f.get("io.passerelle.route-wss2.cfg").get("url"));
        assertEquals(Map.of("match", "^/(myApp/ws)$", "url", "ws://backend.example.com:9080/$1", "order", "30"),
                f.get("io.passerelle.route-myApp-ws.cfg"));
        assertEquals(Map.of("path", "/", "url", "http://example.com:9080/", "order", "40", "reverse", "false"),
                f.get("io.passerelle.route-root.cfg"));
        assertEquals(1, r.notes().size(), r.notes().toString());
        assertEquals(1, r.notes().get(0).line());
        assertEquals("LoadModule", r.notes().get(0).directive());
    }

    /** mod_proxy_wstunnel's rewrite example and ProxyWebsocketFallbackToProxyHttp. */
    @Test
    void theRewriteSeedConfigurationKeepsItsRulesAsWritten() throws IOException {
        HttpdImport.Result r = HttpdImport.translate("""
                RewriteEngine on
                RewriteCond %{HTTP:Upgrade} websocket [NC]
                RewriteCond %{HTTP:Connection} upgrade [NC]
                RewriteRule ^/?(.*) "ws://backend.example.com:9080/$1" [P,L]
                RewriteMap users "txt:/etc/httpd/users.txt"
                RewriteRule ^/~([^/]+)/(.*\\.html)$ /home/${users:$1|nobody}/$2 [L]
                ProxyWebsocketFallbackToProxyHttp Off
                """, "ws.conf");
        Map<String, Map<String, String>> f = files(r);
        String rules = f.get("io.passerelle.rewrite-httpd.cfg").get("rules");
        // Karaf would substitute ${...}: the file holds $\{...}, which Karaf turns back into ${...}
        assertEquals("RewriteEngine on RewriteCond %{HTTP:Upgrade} websocket [NC] RewriteCond %{HTTP:Connection} "
                + "upgrade [NC] RewriteRule ^/?(.*) \"ws://backend.example.com:9080/$1\" [P,L] "
                + "RewriteMap users \"txt:/etc/httpd/users.txt\" "
                + "RewriteRule ^/~([^/]+)/(.*\\.html)$ /home/$\\{users:$1|nobody}/$2 [L]", rules);
        assertEquals(Map.of("fallback.to.http", "false"), f.get("io.passerelle.wstunnel.cfg"));
        assertEquals(List.of(), r.notes());
    }

    /** mod_proxy_balancer's examples: a cluster, sticky routes, a hot standby, a spare. */
    @Test
    void balancersWithTheirMembersAndProxySet() throws IOException {
        HttpdImport.Result r = HttpdImport.translate("""
                <Proxy "balancer://mycluster">
                    BalancerMember "http://192.168.1.50:80" route=1
                    BalancerMember "http://192.168.1.51:80" route=2
                    ProxySet stickysession=ROUTEID
                </Proxy>
                ProxyPass        "/test" "balancer://mycluster"
                ProxyPassReverse "/test" "balancer://mycluster"

                <Proxy "balancer://hotcluster">
                    BalancerMember "http://www2.example.com:8080" loadfactor=1
                    BalancerMember "http://www3.example.com:8080" loadfactor=2
                    BalancerMember "http://spare1.example.com:8080" status=+R
                    BalancerMember "http://hstandby.example.com:8080" status=+H
                    ProxySet lbmethod=bytraffic
                </Proxy>
                ProxyPass "/hot/" "balancer://hotcluster/" nofailover=On timeout=10 retry=5
                """, "balancer.conf");
        Map<String, Map<String, String>> f = files(r);
        assertEquals(Map.of("members", "http://192.168.1.50:80 route=1, http://192.168.1.51:80 route=2",
                "stickysession", "ROUTEID"), f.get("io.passerelle.balancer-mycluster.cfg"));
        assertEquals(Map.of("members", "http://www2.example.com:8080 loadfactor=1, http://www3.example.com:8080 "
                        + "loadfactor=2, http://spare1.example.com:8080, http://hstandby.example.com:8080 status=+H",
                "lbmethod", "bytraffic", "nofailover", "true"), f.get("io.passerelle.balancer-hotcluster.cfg"));
        assertEquals(Map.of("path", "/test", "url", "balancer://mycluster", "order", "10", "reverse", "true"),
                f.get("io.passerelle.route-test.cfg"));
        assertEquals(Map.of("path", "/hot/", "url", "balancer://hotcluster/", "order", "20", "reverse", "false",
                "timeout", "10s"), f.get("io.passerelle.route-hot.cfg"));
        assertEquals(List.of("line 12: BalancerMember: member status '+R': only the flags H, D, S, I and N are translated",
                "line 16: ProxyPass: parameter 'retry=5' is not translated"),
                r.notes().stream().map(Object::toString).toList());
    }

    /** mod_proxy's examples: exclusions, ProxyPassMatch, <Location>, ProxyPreserveHost, ProxyTimeout, Listen. */
    @Test
    void modProxyExamplesInAVirtualHost() throws IOException {
        HttpdImport.Result r = HttpdImport.translate("""
                Listen 8081
                Listen 127.0.0.1:8443 https
                <VirtualHost *:8081>
                    ServerName www.example.com
                    ProxyPreserveHost On
                    ProxyTimeout 30
                    ProxyPass "/mirror/foo/i" "!"
                    ProxyPass "/mirror/foo" "http://backend.example.com"
                    ProxyPassReverse "/mirror/foo" "http://backend.example.com"
                    ProxyPassMatch "^/(.*\\.gif)$" "http://backend.example.com/$1" connectiontimeout=2 \\
                        upgrade=websocket
                    <Location "/app/">
                        ProxyPass "http://app.example.com/"
                        ProxyPassReverse "http://app.example.com/"
                    </Location>
                    <Directory "/var/www">
                        RewriteRule ^x$ /y
                    </Directory>
                    RewriteBase /
                </VirtualHost>
                """, "vhost.conf");
        Map<String, Map<String, String>> f = files(r);
        assertEquals(Map.of("port", "8081", "host", "0.0.0.0"), f.get("io.passerelle.listener-httpd-8081.cfg"));
        assertEquals(Map.of("port", "8443", "host", "127.0.0.1"), f.get("io.passerelle.listener-httpd-8443.cfg"));
        assertEquals(Map.of("path", "/mirror/foo/i", "url", "!", "order", "10"),
                f.get("io.passerelle.route-mirror-foo-i.cfg"));
        assertEquals(Map.of("path", "/mirror/foo", "url", "http://backend.example.com", "order", "20",
                "reverse", "true", "timeout", "30s", "preserve.host", "true"), f.get("io.passerelle.route-mirror-foo.cfg"));
        assertEquals(Map.of("match", "^/(.*\\.gif)$", "url", "http://backend.example.com/$1", "order", "30",
                "connection.timeout", "2s", "upgrade", "websocket", "timeout", "30s", "preserve.host", "true"),
                f.get("io.passerelle.route-gif.cfg"));
        assertEquals(Map.of("path", "/app/", "url", "http://app.example.com/", "order", "40", "reverse", "true",
                "timeout", "30s", "preserve.host", "true"), f.get("io.passerelle.route-app.cfg"));
        List<String> notes = r.notes().stream().map(Object::toString).toList();
        assertEquals(List.of(
                "line 2: Listen: the protocol argument 'https' is not translated (TLS is the listener key tls.keystore)",
                "line 3: <VirtualHost: read as if its directives stood at the top level (Passerelle routes every "
                        + "listener's requests alike; a route's 'listener' key can limit it)",
                "line 4: ServerName: not a directive Passerelle translates",
                "line 16: <Directory: the <Directory> context is not translated, nor the directives in it",
                "line 19: RewriteBase: RewriteBase (a per-directory directive) is not supported"), notes);
        assertTrue(r.files().stream().noneMatch(x -> x.name().startsWith("io.passerelle.rewrite")),
                "the rule in <Directory> is not translated");
    }

    @Test
    void namesStayUniqueAndEachFileSaysWhereItCameFrom() {
        HttpdImport.Result r = HttpdImport.translate("ProxyPass /a/ http://x/\nProxyPass /a http://y/\n", "two.conf");
        assertEquals(List.of("io.passerelle.route-a.cfg", "io.passerelle.route-a-2.cfg"),
                r.files().stream().map(HttpdImport.CfgFile::name).toList());
        assertTrue(r.files().get(1).content().startsWith("# imported by proxy:import-httpd from two.conf\n"
                + "#   line 2: ProxyPass /a http://y/\n"), r.files().get(1).content());
    }

    @Test
    void wordsSplitAsHttpdSplitsThem() {
        assertEquals(List.of("RewriteRule", "^/a b$", "/c", "[L]"), HttpdImport.words("RewriteRule \"^/a b$\" /c [L]"));
        assertEquals(List.of("Header", "say \"hi\""), HttpdImport.words("Header 'say \"hi\"'"));
    }
}
