package io.passerelle.itests;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpServer;

/**
 * One unpacked copy of the built distribution, run as a user runs it, which Pax Exam cannot do: unpacked under
 * target/, its SSH and RMI ports picked free, its listener on port 0, a shell user for {@code bin/client}; started
 * with {@code bin/start}, driven with {@code bin/client}, stopped with {@code bin/stop}. Runs in the test JVM, not
 * inside Karaf. {@link DistributionRestartIT} is one; {@link ClusterIT} runs three.
 */
class Distribution {

    static final Duration BOOT = Duration.ofSeconds(90);
    /** The port in the Address cell of proxy:listeners' row "main". */
    static final Pattern LISTENER_PORT = Pattern.compile("(?m)^\\s*main\\s*\\|[^|]*:(\\d+)\\s*\\|");

    protected Path home;
    protected int sshPort;
    protected int listenerPort;
    protected int rmiRegistryPort;
    protected int rmiServerPort;
    /** What {@link #start()} waits for the listener to answer 200 to. */
    protected String readyPath = "/rs/ping";


    void unpack() throws Exception {
        Path tar = Paths.get(System.getProperty("passerelle.assembly.file", "target/passerelle-assembly.tar.gz"))
                .toAbsolutePath();
        Path dir = Paths.get("target", "distribution-" + System.nanoTime()).toAbsolutePath();
        Files.createDirectories(dir);
        exec(dir, Duration.ofSeconds(120), "tar", "xzf", tar.toString());
        try (var list = Files.list(dir)) {
            home = list.findFirst().orElseThrow();
        }
        sshPort = freePort();
        set("etc/org.apache.karaf.shell.cfg", "sshPort", Integer.toString(sshPort));
        rmiRegistryPort = freePort();
        rmiServerPort = freePort();
        set("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", Integer.toString(rmiRegistryPort));
        set("etc/org.apache.karaf.management.cfg", "rmiServerPort", Integer.toString(rmiServerPort));
        set("etc/io.passerelle.listener-main.cfg", "port", "0");
        Path users = home.resolve("etc/users.properties");
        Files.writeString(users, Files.readString(users)
                .replace("#karaf = karaf,_g_:admingroup", "karaf = karaf,_g_:admingroup")
                .replace("#_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh",
                        "_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh"));
    }

    void set(String file, String key, String value) throws IOException {
        Path p = home.resolve(file);
        String text = Files.readString(p);
        Matcher m = Pattern.compile("(?m)^#?\\s*" + Pattern.quote(key) + "\\s*=.*$").matcher(text);
        text = m.find() ? m.replaceFirst(Matcher.quoteReplacement(key + " = " + value)) : text + "\n" + key + " = " + value + "\n";
        Files.writeString(p, text);
    }

    void start() throws Exception {
        run(Duration.ofSeconds(60), "bin/start");
        awaitServing();
    }

    /** Waits for the shell and for the listener to answer {@link #readyPath} with 200; reads the listener's port. */
    void awaitServing() throws Exception {
        // the shell's SSH server comes up with the shell features
        long shellDeadline = System.nanoTime() + BOOT.toNanos();
        while (!portOpen(sshPort)) {
            if (System.nanoTime() > shellDeadline) {
                throw new AssertionError("no SSH on " + sshPort + "; karaf.log:\n" + log());
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        // the listener binds port 0: the port it got is what proxy:listeners shows
        long deadline = System.nanoTime() + BOOT.toNanos();
        listenerPort = 0;
        while (true) {
            if (listenerPort == 0) {
                // until the shell commands are there, the client fails: the pattern finds nothing
                Matcher m = LISTENER_PORT.matcher(clientAllowingFailure("karaf", "proxy:listeners main"));
                listenerPort = m.find() ? Integer.parseInt(m.group(1)) : 0;
            }
            try {
                if (listenerPort != 0 && RawHttp.exchange(listenerPort, "GET", readyPath, null).status() == 200) {
                    break;
                }
            } catch (IOException e) {
                // not yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the distribution did not serve " + readyPath + " within " + BOOT + " (listener port "
                    + listenerPort + "); karaf.log:\n" + log());
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    void awaitStopped() throws Exception {
        long deadline = System.nanoTime() + BOOT.toNanos();
        while (portOpen(listenerPort) || portOpen(sshPort)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the distribution did not stop");
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        // bin/stop returns before the JVM is gone: bin/status answers non-zero once it is
        long jvmDeadline = System.nanoTime() + BOOT.toNanos();
        while (status() == 0) {
            if (System.nanoTime() > jvmDeadline) {
                throw new AssertionError("the Karaf JVM did not end");
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    int status() throws Exception {
        Process p = new ProcessBuilder("bin/status").directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return 0;
        }
        return p.exitValue();
    }

    String client(String command) throws Exception {
        return client("karaf", command);
    }

    /** Runs a command as {@code user} (whose password is its name), expecting it to succeed. */
    String client(String user, String command) throws Exception {
        return run(Duration.ofSeconds(60), "bin/client", "-a", Integer.toString(sshPort), "-h", "127.0.0.1", "-u",
                user, "-p", user, "-r", "20", "-d", "1", command);
    }

    /** Runs a command as {@code user}, whatever its exit status: its output. */
    String clientAllowingFailure(String user, String command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bin/client", "-a", Integer.toString(sshPort), "-h", "127.0.0.1", "-u",
                user, "-p", user, "-r", "20", "-d", "1", command).directory(home.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/client " + command + " did not end");
        }
        return text;
    }

    String log() {
        try {
            return Files.readString(home.resolve("data/log/karaf.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    String run(Duration timeout, String... command) throws Exception {
        return exec(home, timeout, command);
    }

    static String exec(Path dir, Duration timeout, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        File out = Files.createTempFile("restart-it", ".out").toFile();
        pb.redirectOutput(out);
        Process p = pb.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end within " + timeout);
        }
        String text = Files.readString(out.toPath());
        out.delete();
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + text);
        }
        return text;
    }

    static boolean portOpen(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** An HTTP backend on loopback that answers every request 200 with its name as the body (and X-Backend). */
    static HttpServer namedBackend(String name) throws IOException {
        return namedBackend(name, 200);
    }

    /** An HTTP backend on loopback that answers every request {@code status} with its name as the body. */
    static HttpServer namedBackend(String name, int status) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = name.getBytes(UTF_8);
                exchange.getResponseHeaders().set("X-Backend", name);
                exchange.sendResponseHeaders(status, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        return server;
    }
}
