package io.passerelle.core.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

import io.passerelle.core.internal.httpd.HttpdImport;

/**
 * {@code proxy:import-httpd [--dry-run] [--force] FILE} (SPEC §4.10): translates an httpd configuration into
 * {@code .cfg} files in {@code etc/}, printing each file's name and content and every directive it could not
 * translate with its line number. A file that exists is left alone (and named) unless {@code --force}.
 */
@Command(scope = "proxy", name = "import-httpd",
        description = "Translates an httpd configuration (ProxyPass, balancers, rewrite rules, Listen) into etc/*.cfg files")
@Service
public class ImportHttpdCommand implements Action {

    @Option(name = "--dry-run", description = "Print the files without writing them")
    boolean dryRun;

    @Option(name = "--force", description = "Overwrite files that exist")
    boolean force;

    @Argument(index = 0, name = "file", description = "The httpd configuration file", required = true)
    @Completion(FileCompleter.class)
    String file;

    @Override
    public Object execute() throws IOException {
        Path source = Paths.get(file);
        if (!Files.isReadable(source)) {
            // the shell reports it as the command's error
            throw new IllegalArgumentException("Cannot read " + source.toAbsolutePath());
        }
        HttpdImport.Result result = HttpdImport.translate(Files.readString(source, StandardCharsets.UTF_8),
                source.getFileName().toString());
        Path etc = Paths.get(System.getProperty("karaf.etc", "etc"));
        int written = 0;
        int leftAlone = 0;
        for (HttpdImport.CfgFile f : result.files()) {
            Path target = etc.resolve(f.name());
            String what;
            if (dryRun) {
                what = Files.exists(target) ? (force ? "would be overwritten" : "exists: would be left alone")
                        : "would be written";
            } else if (Files.exists(target) && !force) {
                what = "exists: left alone (--force overwrites it)";
                leftAlone++;
            } else {
                what = Files.exists(target) ? "overwritten" : "written";
                write(etc, target, f.content());
                written++;
            }
            System.out.println("--- etc/" + f.name() + " (" + what + ")");
            System.out.print(f.content());
        }
        if (!result.notes().isEmpty()) {
            System.out.println("--- not translated:");
            result.notes().forEach(n -> System.out.println("  " + n));
        }
        System.out.println(result.files().size() + " file(s)"
                + (dryRun ? ", none written (--dry-run)" : ": " + written + " written, " + leftAlone + " left alone")
                + "; " + result.notes().size() + " note(s)");
        return null;
    }

    /** Written beside its place under a name the file watcher ignores, then moved into place at once. */
    private static void write(Path etc, Path target, String content) throws IOException {
        Path tmp = Files.createTempFile(etc, "." + target.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
