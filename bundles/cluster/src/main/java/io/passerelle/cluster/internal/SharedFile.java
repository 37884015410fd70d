package io.passerelle.cluster.internal;

/**
 * One configuration file as the cluster holds it: its text, or {@code null} once it was removed (the entry stays as
 * a tombstone, so that a node coming back does not bring a removed file back), when the change was seen (epoch
 * milliseconds on the node that made it) and by which node.
 * <p>
 * Stored as one string, {@code "1 STAMP ORIGIN\n"} followed by the text, or {@code "1 STAMP ORIGIN removed\n"}: the
 * engine keeps and ships plain strings, so no class of ours ever has to be loaded by it.
 */
record SharedFile(long stamp, String origin, String content) {

    boolean removed() {
        return content == null;
    }

    String encode() {
        return "1 " + stamp + " " + origin + (content == null ? " removed\n" : "\n" + content);
    }

    /** The file an entry holds; null for a value this version does not understand. */
    static SharedFile decode(String value) {
        if (value == null || !value.startsWith("1 ")) {
            return null;
        }
        int nl = value.indexOf('\n');
        if (nl < 0) {
            return null;
        }
        String[] head = value.substring(2, nl).split(" ");
        if (head.length < 2 || head.length > 3 || (head.length == 3 && !head[2].equals("removed"))) {
            return null;
        }
        try {
            long stamp = Long.parseLong(head[0]);
            return new SharedFile(stamp, head[1], head.length == 3 ? null : value.substring(nl + 1));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
