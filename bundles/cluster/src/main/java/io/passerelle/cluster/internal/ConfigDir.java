package io.passerelle.cluster.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The node's {@code etc/} as the cluster sees it: the {@code io.passerelle.*.cfg} files it shares, read and written
 * whole. A file arrives complete (written beside and moved into place), so that Karaf's file watcher never reads
 * half of one. Used from the cluster's own thread only.
 */
final class ConfigDir {

    /** Always local: each node has its own cluster settings. */
    static final String OWN_FILE = "io.passerelle.cluster.cfg";
    /** What a shared file's name may be: no directory, no hidden file, a Passerelle PID's file. */
    private static final Pattern SHAREABLE = Pattern.compile("io\\.passerelle\\.[A-Za-z0-9][A-Za-z0-9._~-]*\\.cfg");

    /** When a file was last changed and its size, to read it again only when either moves. */
    record Stamp(long modifiedMillis, long size) {
    }

    private final Path dir;
    private final List<PathMatcher> local;

    ConfigDir(Path dir, List<PathMatcher> local) {
        this.dir = dir;
        this.local = List.copyOf(local);
    }

    /** Whether the file of this name travels between nodes. */
    boolean shared(String name) {
        if (name == null || !SHAREABLE.matcher(name).matches() || name.equals(OWN_FILE)) {
            return false;
        }
        Path p = Path.of(name);
        for (PathMatcher m : local) {
            if (m.matches(p)) {
                return false;
            }
        }
        return true;
    }

    /** The shared files there are now. */
    Map<String, Stamp> scan() {
        Map<String, Stamp> out = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "io.passerelle.*.cfg")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (!shared(name)) {
                    continue;
                }
                try {
                    BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                    if (a.isRegularFile()) {
                        out.put(name, new Stamp(a.lastModifiedTime().toMillis(), a.size()));
                    }
                } catch (NoSuchFileException gone) {
                    // removed while listed
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The file's text, or null when there is none. */
    String read(String name) {
        try {
            return Files.readString(dir.resolve(name), UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** When the file was last changed, or 0 when there is none. */
    long modified(String name) {
        try {
            return Files.getLastModifiedTime(dir.resolve(name)).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Writes the file whole (its text), or removes it (null). */
    void put(String name, String content) {
        if (!shared(name)) {
            throw new IllegalArgumentException("not a shared file name: " + name);
        }
        Path target = dir.resolve(name);
        try {
            if (content == null) {
                Files.deleteIfExists(target);
                return;
            }
            // a name Karaf's watcher ignores (it takes *.cfg and *.config), in the same directory for the move
            Path tmp = dir.resolve("." + name + ".cluster-tmp");
            Files.writeString(tmp, content, UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
