package io.passerelle.cluster.internal;

import java.nio.file.FileSystems;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.passerelle.common.config.Config;
import io.passerelle.common.config.ConfigException;

/** Validated, immutable form of {@link ClusterConfig}. */
record ClusterSettings(String nodeName, String clusterName, String bind, int port, List<String> members,
        List<String> localFiles, long scanIntervalMillis, boolean shareHealth) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");

    ClusterSettings {
        members = List.copyOf(members);
        localFiles = List.copyOf(localFiles);
    }

    static ClusterSettings from(Config c) {
        String node = c.string("node.name");
        if (node == null) {
            node = System.getProperty("karaf.name", "node");
        }
        if (!NAME.matcher(node).matches()) {
            throw new ConfigException("node.name", "'" + node + "' is not 1 to 64 letters, digits, '.', '_' or '-'");
        }
        String cluster = c.string("cluster.name");
        if (cluster == null || !NAME.matcher(cluster).matches()) {
            throw new ConfigException("cluster.name", "'" + cluster + "' is not 1 to 64 letters, digits, '.', '_' or '-'");
        }
        String bind = c.string("bind");
        if (bind == null || !IPV4.matcher(bind.trim()).matches()) {
            throw new ConfigException("bind", "'" + bind + "' is not an IPv4 address");
        }
        int port = c.integer("port", 1, 65535);
        List<String> members = new ArrayList<>();
        for (String m : list(c.string("members"))) {
            int colon = m.lastIndexOf(':');
            if (colon < 0 || !IPV4.matcher(m.substring(0, colon)).matches()) {
                throw new ConfigException("members", "'" + m + "' is not IPv4:port (no host names: the engine must "
                        + "not look names up)");
            }
            try {
                int p = Integer.parseInt(m.substring(colon + 1));
                if (p < 1 || p > 65535) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new ConfigException("members", "'" + m + "' has no port from 1 to 65535");
            }
            members.add(m);
        }
        List<String> local = list(c.string("local.files"));
        for (String glob : local) {
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + glob);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("local.files", "'" + glob + "' is not a glob: " + e.getMessage());
            }
        }
        long scan = c.duration("scan.interval");
        if (scan < 100 || scan > 60_000) {
            throw new ConfigException("scan.interval", "must be from 100ms to 1m, not " + c.string("scan.interval"));
        }
        return new ClusterSettings(node, cluster, bind.trim(), port, members, local, scan, c.bool("share.health"));
    }

    /** The matchers of {@link #localFiles()}. */
    List<PathMatcher> localMatchers() {
        List<PathMatcher> out = new ArrayList<>();
        for (String glob : localFiles) {
            out.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
        }
        return out;
    }

    /** This node's own address as the members list spells it. */
    String address() {
        return bind + ":" + port;
    }

    private static List<String> list(String value) {
        List<String> out = new ArrayList<>();
        if (value != null) {
            for (String s : value.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        }
        return out;
    }
}
