package io.passerelle.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.vmOptions;
import static org.ops4j.pax.exam.CoreOptions.when;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.inject.Inject;
import javax.security.auth.Subject;

import org.apache.karaf.features.BootFinished;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.After;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.ProbeBuilder;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.ops4j.pax.exam.karaf.options.KarafDistributionBaseConfigurationOption;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;

import io.passerelle.api.ProxyStatus;

/**
 * Base class of the integration tests, in the manner of Karaf's own {@code KarafTestSupport}:
 * boots the Passerelle distribution (the passerelle-assembly tar.gz this build made) with
 * free ports, and offers what the tests need inside it: shell commands, configuration files
 * in {@code etc/}, HTTP through the proxy's listener, test backends, the Karaf log.
 *
 * <p>Subclasses carry {@code @RunWith(PaxExam.class)} and
 * {@code @ExamReactorStrategy(PerClass.class)}: Karaf boots once per test class, so every
 * test cleans up the files it wrote (see {@link #writeCfg}) and uses its own route names.
 *
 * <p>Nothing here sleeps for a fixed time: every wait polls a condition until a deadline.
 */
public abstract class PasserelleTestSupport {

    /** How long a configuration change, a feature install or a command may take to show. */
    protected static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    /** System property (set in the Karaf under test) carrying the listener's port. */
    /** Set by Karaf's file watcher on each configuration it reads from etc/. */
    private static final String FILEINSTALL_FILENAME = "felix.fileinstall.filename";
    private static final String BARRIER_PID = "itests.config.barrier";
    /** System property (set by failsafe, passed into Karaf) naming where the build put the example bundles. */
    private static final String EXAMPLES_DIR = "passerelle.examples.dir";

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected SessionFactory sessionFactory;

    @Inject
    protected ConfigurationAdmin configurationAdmin;

    /** Injected once the boot features are installed, so tests start on a booted Karaf. */
    @Inject
    protected BootFinished bootFinished;

    private final List<Path> writtenCfgs = new ArrayList<>();
    private final List<TestBackend> backends = new ArrayList<>();
    private final ExecutorService commandExecutor = Executors.newCachedThreadPool();

    // ------------------------------------------------------------------ container setup
    // (runs in the test JVM, before Karaf starts)

    @Configuration
    public Option[] config() {
        Set<Integer> taken = new HashSet<>();
        String rmiRegistryPort = Integer.toString(freePort(taken));
        String rmiServerPort = Integer.toString(freePort(taken));
        String sshPort = Integer.toString(freePort(taken));
        String karafVersion = System.getProperty("karaf.version", "4.4.8");
        String localRepository = System.getProperty("org.ops4j.pax.url.mvn.localRepository", "");

        KarafDistributionBaseConfigurationOption distribution = karafDistributionConfiguration();
        File built = new File(System.getProperty("passerelle.assembly.file", "target/passerelle-assembly.tar.gz"));
        if (built.isFile()) {
            // what this build made (the pom copies it here from the reactor or the local repository)
            distribution.frameworkUrl(built.toURI().toString());
        } else {
            distribution.frameworkUrl(maven().groupId("io.passerelle").artifactId("passerelle-assembly")
                .type("tar.gz").versionAsInProject());
        }

        return new Option[] {
            distribution
                .name("Passerelle")
                .unpackDirectory(new File("target/exam"))
                .useDeployFolder(false),
            when(Boolean.getBoolean("passerelle.itest.keep")).useOptions(keepRuntimeFolder()),
            configureConsole().ignoreLocalConsole(),
            logLevel(LogLevel.INFO),

            // the listener binds an ephemeral port, read back from proxy:listeners (listenerPort()); Karaf's own
            // SSH and RMI ports must be named before it boots: free ones (the tests never connect to them)
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", rmiRegistryPort),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", rmiServerPort),
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", sshPort),
            editConfigurationFilePut("etc/io.passerelle.listener-main.cfg", "port", "0"),
            editConfigurationFilePut("etc/io.passerelle.listener-main.cfg", "host", "127.0.0.1"),
            systemProperty(EXAMPLES_DIR).value(
                Paths.get(System.getProperty(EXAMPLES_DIR, "target/examples")).toAbsolutePath().toString()),

            // Karaf resolves the Pax Exam bundles from the build's local repository
            when(!localRepository.isEmpty()).useOptions(editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg",
                "org.ops4j.pax.url.mvn.localRepository", localRepository)),
            editConfigurationFilePut("etc/org.apache.karaf.features.cfg", "updateSnapshots", "none"),

            // what bin/karaf passes to a Java 9+ VM (Pax Exam's launcher does not)
            vmOptions(
                "--add-reads=java.xml=java.logging",
                "--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED",
                "--patch-module", "java.base=lib/endorsed/org.apache.karaf.specs.locator-" + karafVersion + ".jar",
                "--patch-module", "java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + karafVersion + ".jar",
                "--add-opens", "java.base/java.security=ALL-UNNAMED",
                "--add-opens", "java.base/java.net=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--add-opens", "java.base/java.util=ALL-UNNAMED",
                "--add-opens", "java.naming/javax.naming.spi=ALL-UNNAMED",
                "--add-opens", "java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.ftp=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.content.text=ALL-UNNAMED",
                "--add-exports=jdk.naming.rmi/com.sun.jndi.url.rmi=ALL-UNNAMED",
                "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                "-classpath", "lib/jdk9plus/*" + File.pathSeparator + "lib/boot/*"),
        };
    }

    /**
     * The probe (the bundle Pax Exam makes of the test classes) imports whatever it uses
     * at run time: Pax Exam, Karaf's shell API, OSGi. java.* and com.sun.* (the JDK's
     * HttpServer) come through boot delegation.
     */
    @ProbeBuilder
    public TestProbeBuilder probeConfiguration(TestProbeBuilder probe) {
        probe.setHeader(Constants.DYNAMICIMPORT_PACKAGE, "*,org.apache.felix.service.*;status=provisional");
        return probe;
    }

    private static int freePort(Set<Integer> taken) {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = socket.getLocalPort();
                if (taken.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new IllegalStateException("no free port", e);
            }
        }
        throw new IllegalStateException("no free port");
    }

    // ------------------------------------------------------------------ clean-up after each test

    @After
    public void cleanUpFilesAndBackends() throws Exception {
        for (Path cfg : new ArrayList<>(writtenCfgs)) {
            deleteCfg(cfg.getFileName().toString());
        }
        writtenCfgs.clear();
        for (TestBackend backend : backends) {
            backend.close();
        }
        backends.clear();
        commandExecutor.shutdownNow();
    }

    // ------------------------------------------------------------------ Karaf

    /**
     * The port the listener "main" bound (etc/io.passerelle.listener-main.cfg asks for an ephemeral one), as the
     * core's status service lists it.
     */
    protected int listenerPort() {
        return listenerPort("main");
    }

    /** The port a listener bound (a listener configured with port 0 gets an ephemeral one), as proxy:listeners shows. */
    protected int listenerPort(String name) {
        int[] port = {-1};
        await("the listener " + name + " to be bound", () -> {
            ServiceReference<ProxyStatus> ref = bundleContext.getServiceReference(ProxyStatus.class);
            if (ref == null) {
                return false;
            }
            ProxyStatus status = bundleContext.getService(ref);
            try {
                for (ProxyStatus.ListenerView l : status.listeners()) {
                    String address = l.address();
                    int p = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
                    if (l.name().equals(name) && p > 0) {
                        port[0] = p;
                        return true;
                    }
                }
                return false;
            } finally {
                bundleContext.ungetService(ref);
            }
        });
        return port[0];
    }

    /**
     * The cells of the first row of a shell table (as {@code proxy:routes} prints one) whose cell in column
     * {@code column} (0-based) is {@code value}; fails naming the table when there is none.
     */
    protected static List<String> tableRow(String table, int column, String value) {
        for (String line : table.split("\n")) {
            if (!line.contains("|")) {
                continue;
            }
            List<String> cells = new ArrayList<>();
            for (String cell : line.split("\\|", -1)) {
                cells.add(cell.trim());
            }
            if (cells.size() > column && cells.get(column).equals(value)) {
                return cells;
            }
        }
        throw new AssertionError("no row with '" + value + "' in column " + column + " of:\n" + table);
    }

    /** An example bundle of examples/, as the build copied it (e.g. passerelle-example-lbmethod-first.jar). */
    protected Path exampleJar(String fileName) {
        return Paths.get(System.getProperty(EXAMPLES_DIR), fileName);
    }

    protected Path karafEtc() {
        return Paths.get(System.getProperty("karaf.etc"));
    }

    /** data/log/karaf.log of the Karaf under test. */
    protected Path karafLog() {
        String logDir = System.getProperty("karaf.log");
        if (logDir == null) {
            logDir = Paths.get(System.getProperty("karaf.base"), "data", "log").toString();
        }
        return Paths.get(logDir, "karaf.log");
    }

    /** The lines of karaf.log that satisfy {@code filter}. */
    protected List<String> karafLogLines(Predicate<String> filter) throws IOException {
        try (Stream<String> lines = Files.lines(karafLog(), UTF_8)) {
            return lines.filter(filter).collect(Collectors.toList());
        }
    }

    protected Bundle bundle(String symbolicName) {
        for (Bundle bundle : bundleContext.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        return null;
    }

    /**
     * Runs a shell command as the Karaf console would and returns what it printed. Waits
     * first for the command to be registered (commands come and go with their bundles).
     * A command that fails throws, with its output in the message.
     */
    protected String executeCommand(String command) {
        awaitCommand(command);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, UTF_8);
        Session session = sessionFactory.create(new ByteArrayInputStream(new byte[0]), out, out);
        Callable<String> run = () -> {
            Object result = session.execute(command);
            if (result != null) {
                out.println(result);
            }
            out.flush();
            return bytes.toString(UTF_8);
        };
        // as the karaf user of the console: commands guarded by etc/org.apache.karaf.command.acl.*
        // (feature:install...) need the admin role
        Subject operator = new Subject();
        operator.getPrincipals().add(new UserPrincipal("karaf"));
        for (String role : List.of("admin", "manager", "viewer", "systembundles")) {
            operator.getPrincipals().add(new RolePrincipal(role));
        }
        Future<String> future = commandExecutor.submit(
            () -> Subject.doAs(operator, (PrivilegedExceptionAction<String>) run::call));
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new AssertionError("'" + command + "' did not finish within " + TIMEOUT
                + "; output so far:\n" + bytes.toString(UTF_8));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof PrivilegedActionException ? e.getCause().getCause() : e.getCause();
            throw new AssertionError("'" + command + "' failed: " + cause
                + "\noutput:\n" + bytes.toString(UTF_8), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running '" + command + "'", e);
        } finally {
            session.close();
        }
    }

    private void awaitCommand(String command) {
        String first = command.trim().split("\\s+", 2)[0];
        int colon = first.indexOf(':');
        String scope = colon > 0 ? first.substring(0, colon) : "*";
        String name = colon > 0 ? first.substring(colon + 1) : first;
        await("command " + first + " to be registered",
            () -> sessionFactory.getRegistry().getCommand(scope, name) != null);
    }

    // ------------------------------------------------------------------ configuration files

    /**
     * Writes {@code etc/fileName} with the given keys and values (key1, value1, key2,
     * value2...), one {@code key = value} line each, written as given (escape backslashes
     * the .cfg way), and returns once Karaf has taken it in: Config Admin holds these values
     * and every configuration listener has been told. The file appears whole (written aside,
     * then moved into place), so Karaf's file watcher never reads half a file. It is deleted
     * after the test.
     *
     * <p>Why wait: Karaf writes a configuration back into its file when the two differ
     * (felix.fileinstall.enableConfigSave). A second edit made before the listeners have
     * seen the first one would be overwritten with the first one's values.
     */
    protected Path writeCfg(String fileName, String... keyValues) throws Exception {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values come in pairs");
        }
        StringBuilder content = new StringBuilder("# written by ")
            .append(getClass().getSimpleName()).append('\n');
        for (int i = 0; i < keyValues.length; i += 2) {
            content.append(keyValues[i]).append(" = ").append(keyValues[i + 1]).append('\n');
        }
        Properties expected = new Properties();
        expected.load(new StringReader(content.toString()));

        Path target = karafEtc().resolve(fileName);
        // not *.cfg: the watcher ignores it until it is moved into place
        Path tmp = Files.createTempFile(karafEtc(), "." + fileName, ".tmp");
        Files.write(tmp, content.toString().getBytes(UTF_8));
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        if (!writtenCfgs.contains(target)) {
            writtenCfgs.add(target);
        }

        await("Config Admin to hold " + fileName + " as written", () -> {
            Dictionary<String, Object> held = configurationOf(target);
            if (held == null) {
                return false;
            }
            for (String key : expected.stringPropertyNames()) {
                String value = expected.getProperty(key);
                // ${...} is substituted by Karaf: compare only what arrives verbatim
                if (!value.contains("${") && !value.equals(String.valueOf(held.get(key)))) {
                    return false;
                }
            }
            return true;
        });
        awaitConfigurationEventsDelivered();
        return target;
    }

    /** Deletes {@code etc/fileName}; returns once its configuration is gone and announced. */
    protected void deleteCfg(String fileName) throws Exception {
        Path target = karafEtc().resolve(fileName);
        boolean existed = Files.deleteIfExists(target);
        writtenCfgs.remove(target);
        if (existed) {
            await("Config Admin to drop " + fileName, () -> configurationOf(target) == null);
            awaitConfigurationEventsDelivered();
        }
    }

    /** The properties Config Admin holds for a file of etc/, or null. */
    private Dictionary<String, Object> configurationOf(Path file) throws Exception {
        String url = file.toFile().toURI().toString();
        org.osgi.service.cm.Configuration[] found = configurationAdmin.listConfigurations(
            "(" + FILEINSTALL_FILENAME + "=" + escapeFilterValue(url) + ")");
        return found == null || found.length == 0 ? null : found[0].getProperties();
    }

    private static String escapeFilterValue(String value) {
        return value.replace("\\", "\\\\").replace("*", "\\*").replace("(", "\\(").replace(")", "\\)");
    }

    /**
     * A barrier: Config Admin delivers configuration events one after another on one
     * thread, so once a listener of ours sees an event we cause now, every listener
     * (components, Karaf's file writer) has seen the earlier ones. The barrier is a
     * configuration of its own, no file behind it, that nothing else uses; it is updated,
     * never deleted (a deletion would race with the other listeners of its update).
     */
    private void awaitConfigurationEventsDelivered() throws Exception {
        String stamp = Long.toString(System.nanoTime());
        CountDownLatch seen = new CountDownLatch(1);
        ConfigurationListener listener = event -> {
            if (BARRIER_PID.equals(event.getPid()) && event.getType() == ConfigurationEvent.CM_UPDATED) {
                seen.countDown();
            }
        };
        ServiceRegistration<ConfigurationListener> registration =
            bundleContext.registerService(ConfigurationListener.class, listener, null);
        try {
            org.osgi.service.cm.Configuration barrier = configurationAdmin.getConfiguration(BARRIER_PID, "?");
            barrier.update(new Hashtable<>(Map.of("stamp", stamp)));
            if (!seen.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("Config Admin delivered no event within " + TIMEOUT);
            }
        } finally {
            registration.unregister();
        }
    }

    // ------------------------------------------------------------------ HTTP

    /** Starts a backend on an ephemeral loopback port, stopped after the test. */
    protected TestBackend startBackend(String name) throws IOException {
        TestBackend backend = TestBackend.start(name);
        backends.add(backend);
        return backend;
    }

    protected HttpResult httpGet(String path) throws IOException {
        return RawHttp.exchange(listenerPort(), "GET", path, null);
    }

    protected HttpResult httpPost(String path, String body) throws IOException {
        return RawHttp.exchange(listenerPort(), "POST", path, body);
    }

    /**
     * Repeats {@code GET path} through the proxy until it answers {@code status} with a
     * body containing {@code bodyContains} (null: any body), and returns that answer.
     * Connection failures count as "not yet".
     */
    protected HttpResult awaitHttp(String path, int status, String bodyContains) {
        return awaitHttp(path, status, bodyContains, TIMEOUT);
    }

    protected HttpResult awaitHttp(String path, int status, String bodyContains, Duration timeout) {
        Object[] last = {"no attempt"};
        HttpResult result = poll(timeout, () -> {
            try {
                HttpResult r = httpGet(path);
                last[0] = r;
                boolean ok = r.status() == status && (bodyContains == null || r.body().contains(bodyContains));
                return ok ? r : null;
            } catch (IOException e) {
                last[0] = e;
                return null;
            }
        });
        if (result == null) {
            throw new AssertionError("GET " + path + " did not answer " + status
                + (bodyContains == null ? "" : " with a body containing '" + bodyContains + "'")
                + " within " + timeout + "; last answer: " + last[0]);
        }
        return result;
    }

    // ------------------------------------------------------------------ waiting

    /** Polls {@code condition} until it holds, failing the test after {@link #TIMEOUT}. */
    protected void await(String what, Callable<Boolean> condition) {
        Boolean ok = poll(TIMEOUT, () -> Boolean.TRUE.equals(condition.call()) ? Boolean.TRUE : null);
        if (ok == null) {
            throw new AssertionError("timed out after " + TIMEOUT + " waiting for " + what);
        }
    }

    /** Calls {@code attempt} until it returns non-null or the deadline passes (then null). */
    protected static <T> T poll(Duration timeout, Callable<T> attempt) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                T value = attempt.call();
                if (value != null) {
                    return value;
                }
            } catch (Exception e) {
                // not yet
            }
            if (System.nanoTime() - deadline >= 0) {
                return null;
            }
            LockSupport.parkNanos(POLL_INTERVAL.toNanos());
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }
}
