package io.passerelle.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Issue 11, item 7: every configuration key the code reads is described by the metatype its bundle ships, every
 * description says something, every PID of SPEC §4 has one, and every key the distribution's .cfg files and
 * examples show (commented or not) is one the metatype of its PID describes. Reads the built bundles' jars
 * ({@code OSGI-INF/metatype/*.xml}, what Karaf's Config Admin and web console see) and the sources; no Karaf.
 */
public class MetatypeIT {

    private static final Path ROOT = Paths.get("..").toAbsolutePath().normalize();
    /** A key read through io.passerelle.common.config.Config: c.string("header.max.bytes") and the like. */
    private static final Pattern KEY_READ = Pattern.compile(
            "\\.(?:string|integer|bool|duration|has|givenOtherThanDefault)\\(\"([^\"]+)\"");
    /** A key line of a .cfg file, commented out or not: "#pool.idle.timeout = 30s". */
    private static final Pattern CFG_KEY = Pattern.compile("(?m)^#?\\s*([a-z][a-z0-9]*(?:\\.[a-z0-9]+)*)\\s*=");
    private static final List<String> SPEC_PIDS = List.of("io.passerelle.core", "io.passerelle.listener",
            "io.passerelle.route", "io.passerelle.wstunnel", "io.passerelle.http", "io.passerelle.balancer",
            "io.passerelle.rewrite");

    /** An OCD: its keys and their descriptions. */
    private record Ocd(String bundle, Map<String, String> descriptions) {
    }

    @Test
    public void everyKeyReadIsDescribedInItsBundlesMetatype() throws Exception {
        Map<String, Ocd> ocds = ocdsByPid();
        List<String> missing = new ArrayList<>();
        int reads = 0;
        for (Path module : modules()) {
            Set<String> described = new TreeSet<>();
            ocds.values().stream().filter(o -> o.bundle().equals(module.getFileName().toString()))
                    .forEach(o -> described.addAll(o.descriptions().keySet()));
            for (Path source : sources(module)) {
                String text = Files.readString(source, UTF_8);
                if (!text.contains("io.passerelle.common.config.Config")) {
                    continue;
                }
                Matcher m = KEY_READ.matcher(text);
                while (m.find()) {
                    reads++;
                    if (!described.contains(m.group(1))) {
                        missing.add(module.getFileName() + ": " + source.getFileName() + " reads '" + m.group(1) + "'");
                    }
                }
            }
        }
        assertTrue("the scan found the keys the code reads (" + reads + ")", reads >= 50);
        assertTrue("keys read that no metatype describes:\n" + String.join("\n", missing), missing.isEmpty());
    }

    @Test
    public void everyPidOfTheSpecHasAMetatypeAndEveryKeyADescription() throws Exception {
        Map<String, Ocd> ocds = ocdsByPid();
        for (String pid : SPEC_PIDS) {
            assertTrue(pid + " has a metatype (found " + ocds.keySet() + ")", ocds.containsKey(pid));
        }
        List<String> bare = new ArrayList<>();
        ocds.forEach((pid, ocd) -> ocd.descriptions().forEach((key, description) -> {
            if (description.isBlank()) {
                bare.add(pid + " " + key);
            }
        }));
        assertTrue("keys without a description: " + bare, bare.isEmpty());
    }

    @Test
    public void everyKeyTheShippedCfgFilesShowIsDescribed() throws Exception {
        Map<String, Ocd> ocds = ocdsByPid();
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("features/src/main/cfg", "karaf-assembly/src/main/distribution/etc/passerelle-examples")) {
            try (Stream<Path> s = Files.list(ROOT.resolve(dir))) {
                s.filter(p -> p.getFileName().toString().endsWith(".cfg")).forEach(files::add);
            }
        }
        assertTrue(files.toString(), files.size() >= 10);
        List<String> unknown = new ArrayList<>();
        int keys = 0;
        for (Path f : files) {
            String base = f.getFileName().toString().replaceFirst("\\.cfg$", "");
            String pid = ocds.containsKey(base) ? base : base.replaceFirst("-[^.]*$", "");
            Ocd ocd = ocds.get(pid);
            assertTrue(f + ": no metatype for " + pid, ocd != null);
            Matcher m = CFG_KEY.matcher(Files.readString(f, UTF_8));
            while (m.find()) {
                keys++;
                if (!ocd.descriptions().containsKey(m.group(1))) {
                    unknown.add(f.getFileName() + ": " + m.group(1));
                }
            }
        }
        assertTrue("the files show keys (" + keys + ")", keys >= 30);
        assertEquals("keys shown in the shipped files that the metatype does not describe", List.of(), unknown);
    }

    // ------------------------------------------------------------------ reading

    /** The modules under bundles/ with sources. */
    private static List<Path> modules() throws IOException {
        try (Stream<Path> s = Files.list(ROOT.resolve("bundles"))) {
            return s.filter(p -> Files.isDirectory(p.resolve("src/main/java"))).sorted().toList();
        }
    }

    private static List<Path> sources(Path module) throws IOException {
        try (Stream<Path> s = Files.walk(module.resolve("src/main/java"))) {
            return s.filter(p -> p.toString().endsWith(".java")).toList();
        }
    }

    /** Every OCD designated in the built bundles' metatype files, by the PID or factory PID it is designated for. */
    private static Map<String, Ocd> ocdsByPid() throws Exception {
        Map<String, Ocd> byPid = new TreeMap<>();
        for (Path module : modules()) {
            Path jar;
            try (Stream<Path> s = Files.list(module.resolve("target"))) {
                jar = s.filter(p -> p.getFileName().toString().matches("passerelle-.*\\.jar")
                        && !p.getFileName().toString().matches(".*-(tests|sources|javadoc)\\.jar")).findFirst()
                        .orElseThrow(() -> new AssertionError("no built jar in " + module + "/target"));
            }
            try (JarFile j = new JarFile(jar.toFile())) {
                for (JarEntry e : j.stream().filter(e -> e.getName().startsWith("OSGI-INF/metatype/")
                        && e.getName().endsWith(".xml")).toList()) {
                    try (InputStream in = j.getInputStream(e)) {
                        read(module.getFileName().toString(), in, byPid);
                    }
                }
            }
        }
        return byPid;
    }

    private static void read(String bundle, InputStream in, Map<String, Ocd> byPid) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        Document doc = f.newDocumentBuilder().parse(in);
        Map<String, Ocd> byId = new TreeMap<>();
        NodeList ocdNodes = doc.getElementsByTagName("OCD");
        for (int i = 0; i < ocdNodes.getLength(); i++) {
            Element ocd = (Element) ocdNodes.item(i);
            Map<String, String> descriptions = new TreeMap<>();
            NodeList ads = ocd.getElementsByTagName("AD");
            for (int k = 0; k < ads.getLength(); k++) {
                Element ad = (Element) ads.item(k);
                descriptions.put(ad.getAttribute("id"), ad.getAttribute("description"));
            }
            byId.put(ocd.getAttribute("id"), new Ocd(bundle, descriptions));
        }
        NodeList designates = doc.getElementsByTagName("Designate");
        for (int i = 0; i < designates.getLength(); i++) {
            Element d = (Element) designates.item(i);
            String pid = d.getAttribute("factoryPid").isEmpty() ? d.getAttribute("pid") : d.getAttribute("factoryPid");
            Element object = (Element) d.getElementsByTagName("Object").item(0);
            Ocd ocd = byId.get(object.getAttribute("ocdref"));
            assertTrue("Designate " + pid + " refers to an OCD of its file", ocd != null);
            byPid.put(pid, ocd);
        }
    }
}
