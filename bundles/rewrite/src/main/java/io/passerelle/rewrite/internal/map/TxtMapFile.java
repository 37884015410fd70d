package io.passerelle.rewrite.internal.map;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;

/**
 * The contents of a {@code txt:} or {@code rnd:} map file (httpd's format: {@code key value} per line,
 * blanks between, {@code #} comments, the first line of a key wins, anything after the value ignored).
 * Loaded and reloaded off the I/O threads ({@link #refreshIfChanged()}); lookups read an immutable snapshot.
 */
public final class TxtMapFile {

    private final Path path;
    private volatile Map<String, String> entries;
    private long modified;
    private long size;

    private TxtMapFile(Path path) {
        this.path = path;
    }

    /** Loads the file now. */
    public static TxtMapFile load(Path path) throws IOException {
        TxtMapFile f = new TxtMapFile(path);
        f.reload();
        return f;
    }

    public Path path() {
        return path;
    }

    /** The value of a key, or null. Never blocks. */
    public String get(String key) {
        return entries.get(key);
    }

    public int size() {
        return entries.size();
    }

    private void reload() throws IOException {
        BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
        String text = Files.readString(path, StandardCharsets.UTF_8);
        entries = parse(text);
        modified = attrs.lastModifiedTime().toMillis();
        size = attrs.size();
    }

    static Map<String, String> parse(String text) {
        Map<String, String> map = new HashMap<>();
        for (String line : text.split("\r?\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] words = t.split("\\s+");
            if (words.length >= 2) {
                map.putIfAbsent(words[0], words[1]);
            }
        }
        return Map.copyOf(map);
    }

    /**
     * Re-reads the file when its modification time or size changed (call off the I/O threads).
     *
     * @return true when it was reloaded
     * @throws IOException when it changed and cannot be read; the previous contents stay in force
     */
    public synchronized boolean refreshIfChanged() throws IOException {
        BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
        if (attrs.lastModifiedTime().toMillis() == modified && attrs.size() == size) {
            return false;
        }
        reload();
        return true;
    }
}
