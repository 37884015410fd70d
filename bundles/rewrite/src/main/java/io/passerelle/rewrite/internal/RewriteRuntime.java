package io.passerelle.rewrite.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.api.ClientInfo;
import io.passerelle.api.RequestHead;
import io.passerelle.api.spi.RewriteMap;
import io.passerelle.common.config.ConfigException;
import io.passerelle.rewrite.internal.engine.Evaluator;
import io.passerelle.rewrite.internal.engine.Outcome;
import io.passerelle.rewrite.internal.engine.Rule;
import io.passerelle.rewrite.internal.engine.RuleList;
import io.passerelle.rewrite.internal.engine.Trace;
import io.passerelle.rewrite.internal.map.MapTable;
import io.passerelle.rewrite.internal.map.TxtMapFile;
import io.passerelle.rewrite.internal.parse.MapDeclaration;
import io.passerelle.rewrite.internal.parse.ParsedRuleSet;
import io.passerelle.rewrite.internal.parse.RewriteSyntaxException;
import io.passerelle.rewrite.internal.parse.RuleSetParser;

/**
 * The rule sets in force and the maps they use. Configuration threads and the reload scheduler change it
 * under its lock and publish an immutable {@link RuleList}; the I/O threads only read that volatile snapshot.
 */
public final class RewriteRuntime implements RewriteService {

    private static final Logger LOG = LoggerFactory.getLogger(RewriteRuntime.class);

    /** A loaded rule set and, for a {@code rules.file}, the file's stamp when it was read. */
    private record Loaded(RuleSetSource source, ParsedRuleSet parsed, Path file, long modified, long size) {
    }

    private final Evaluator evaluator;
    private final Path base;
    private final Map<String, Loaded> sets = new HashMap<>();
    private final Map<Path, TxtMapFile> mapFiles = new HashMap<>();
    private final Set<String> waitingTypes = new HashSet<>();
    private final ConcurrentHashMap<String, RewriteMap> mapServices = new ConcurrentHashMap<>();
    private volatile RuleList current = RuleList.EMPTY;

    /**
     * @param clock what {@code %{TIME}} reads
     * @param base  where relative file names ({@code rules.file}, {@code txt:}, {@code rnd:}) are resolved, as
     *              httpd resolves them against its ServerRoot
     */
    public RewriteRuntime(Clock clock, Path base) {
        this.evaluator = new Evaluator(clock);
        this.base = base;
    }

    /** The base for relative file names: {@code karaf.base}, else the working directory. */
    public static Path defaultBase() {
        String karafBase = System.getProperty("karaf.base");
        return Paths.get(karafBase != null ? karafBase : "").toAbsolutePath();
    }

    /** The snapshot the I/O threads evaluate. */
    public RuleList current() {
        return current;
    }

    /** Evaluates a request against the snapshot in force (I/O threads). */
    public Outcome evaluate(RequestHead request, ClientInfo client, Trace trace) {
        return evaluator.evaluate(current, request, client, trace);
    }

    private Path resolve(String file) {
        Path p = Paths.get(file);
        return (p.isAbsolute() ? p : base.resolve(p)).normalize();
    }

    @Override
    public synchronized void put(RuleSetSource source) throws ConfigException {
        Loaded loaded = load(source);
        Loaded previous = sets.put(source.pid(), loaded);
        rebuild();
        ParsedRuleSet p = loaded.parsed();
        LOG.info("Rewrite rule set {} (order {}, {} rule(s){}) is in force{}", p.name(), source.order(),
                p.rules().size(), p.maps().isEmpty() ? "" : ", " + p.maps().size() + " map(s)",
                previous == null ? "" : ", replacing its previous version");
        if (!p.engineOn()) {
            LOG.warn("Rewrite rule set {} ({}) has no 'RewriteEngine on': as in httpd, its rules are not applied",
                    p.name(), source.origin());
        }
    }

    private Loaded load(RuleSetSource source) throws ConfigException {
        String key = source.rulesKey();
        ParsedRuleSet parsed;
        Path file = null;
        long modified = 0;
        long size = 0;
        try {
            if (source.rulesFile() != null) {
                file = resolve(source.rulesFile());
                BasicFileAttributes attrs;
                String text;
                try {
                    attrs = Files.readAttributes(file, BasicFileAttributes.class);
                    text = Files.readString(file, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new ConfigException(key, "cannot read " + file + ": " + e);
                }
                modified = attrs.lastModifiedTime().toMillis();
                size = attrs.size();
                parsed = RuleSetParser.parseFile(source.name(), text);
            } else {
                parsed = RuleSetParser.parseValue(source.name(), source.rules());
            }
        } catch (RewriteSyntaxException e) {
            throw new ConfigException(key, e.getMessage());
        }
        for (MapDeclaration m : parsed.maps()) {
            prepareMap(m, key);
        }
        return new Loaded(source, parsed, file, modified, size);
    }

    private void prepareMap(MapDeclaration m, String key) throws ConfigException {
        switch (m.type()) {
            case "txt", "rnd" -> mapFile(m, key);
            case "int" -> {
            }
            default -> {
                RewriteMap service = mapServices.get(m.type());
                if (service == null) {
                    LOG.warn("{}: map '{}' has type '{}', which no installed bundle provides (no RewriteMap service "
                            + "with {}={}): its lookups yield their default until one is installed", m.where(), m.name(),
                            m.type(), RewriteMap.TYPE, m.type());
                    waitingTypes.add(m.type());
                } else {
                    try {
                        service.prepare(m.argument());
                    } catch (RuntimeException e) {
                        throw new ConfigException(key, m.where() + ": map '" + m.name() + "' (" + m.type() + ":"
                                + m.argument() + "): " + e.getMessage());
                    }
                }
            }
        }
    }

    private TxtMapFile mapFile(MapDeclaration m, String key) throws ConfigException {
        Path path = resolve(m.argument());
        TxtMapFile f = mapFiles.get(path);
        if (f == null) {
            try {
                f = TxtMapFile.load(path);
            } catch (IOException e) {
                throw new ConfigException(key, m.where() + ": map '" + m.name() + "': cannot read " + path + ": " + e);
            }
            mapFiles.put(path, f);
        }
        return f;
    }

    @Override
    public synchronized void remove(String pid) {
        Loaded l = sets.remove(pid);
        if (l != null) {
            rebuild();
            LOG.info("Rewrite rule set {} removed", l.parsed().name());
        }
    }

    private List<Loaded> ordered() {
        List<Loaded> list = new ArrayList<>(sets.values());
        list.sort(Comparator.comparingInt((Loaded l) -> l.source().order()).thenComparing(l -> l.source().name())
                .thenComparing(l -> String.valueOf(l.source().pid())));
        return list;
    }

    private void rebuild() {
        List<Rule> rules = new ArrayList<>();
        Map<String, MapTable.Binding> maps = new LinkedHashMap<>();
        Set<Path> usedFiles = new HashSet<>();
        for (Loaded l : ordered()) {
            for (MapDeclaration m : l.parsed().maps()) {
                MapTable.Binding b = switch (m.type()) {
                    case "txt" -> new MapTable.Txt(mapFiles.get(resolve(m.argument())));
                    case "rnd" -> new MapTable.Rnd(mapFiles.get(resolve(m.argument())));
                    case "int" -> new MapTable.Int(m.argument());
                    default -> new MapTable.Service(m.type(), m.argument(), mapServices::get);
                };
                if (m.type().equals("txt") || m.type().equals("rnd")) {
                    usedFiles.add(resolve(m.argument()));
                }
                maps.put(m.name(), b);
            }
            if (l.parsed().engineOn()) {
                rules.addAll(l.parsed().rules());
            }
        }
        mapFiles.keySet().retainAll(usedFiles);
        current = new RuleList(rules, new MapTable(maps));
    }

    /** Re-reads changed map files and rule files (the reload scheduler calls it, never an I/O thread). */
    public synchronized void poll() {
        for (TxtMapFile f : mapFiles.values()) {
            try {
                if (f.refreshIfChanged()) {
                    LOG.info("Rewrite map file {} reloaded ({} entries)", f.path(), f.size());
                }
            } catch (IOException e) {
                LOG.warn("Rewrite map file {} changed but cannot be read ({}): its previous contents stay in force",
                        f.path(), e.toString());
            }
        }
        boolean changed = false;
        for (Loaded l : new ArrayList<>(sets.values())) {
            if (l.file() == null) {
                continue;
            }
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(l.file(), BasicFileAttributes.class);
            } catch (IOException e) {
                continue; // gone for now: keep serving what was read; an edit brings it back
            }
            if (attrs.lastModifiedTime().toMillis() == l.modified() && attrs.size() == l.size()) {
                continue;
            }
            try {
                Loaded fresh = load(l.source());
                sets.put(l.source().pid(), fresh);
                changed = true;
                LOG.info("Rewrite rule set {} reloaded from {} ({} rule(s))", fresh.parsed().name(), l.file(),
                        fresh.parsed().rules().size());
            } catch (ConfigException e) {
                LOG.error(e.describe(l.source().origin()));
                sets.put(l.source().pid(), new Loaded(l.source(), l.parsed(), l.file(),
                        attrs.lastModifiedTime().toMillis(), attrs.size()));
            }
        }
        if (changed) {
            rebuild();
        }
    }

    /** A {@link RewriteMap} service appeared. */
    public void bindMap(String type, RewriteMap map) {
        mapServices.put(type, map);
        synchronized (this) {
            for (Loaded l : sets.values()) {
                for (MapDeclaration m : l.parsed().maps()) {
                    if (m.type().equals(type)) {
                        try {
                            map.prepare(m.argument());
                        } catch (RuntimeException e) {
                            LOG.warn("{}: map '{}' ({}:{}) refused by its provider: {}", m.where(), m.name(), type,
                                    m.argument(), e.getMessage());
                        }
                    }
                }
            }
            if (waitingTypes.remove(type)) {
                LOG.info("Rewrite map type '{}' is now installed: its maps answer lookups", type);
            }
        }
    }

    /** A {@link RewriteMap} service went away. */
    public void unbindMap(String type, RewriteMap map) {
        if (mapServices.remove(type, map)) {
            synchronized (this) {
                boolean used = sets.values().stream()
                        .anyMatch(l -> l.parsed().maps().stream().anyMatch(m -> m.type().equals(type)));
                if (used) {
                    waitingTypes.add(type);
                    LOG.warn("Rewrite map type '{}' was uninstalled: its maps yield their default until it is back", type);
                }
            }
        }
    }

    @Override
    public synchronized List<RuleSetView> ruleSets() {
        List<RuleSetView> out = new ArrayList<>();
        for (Loaded l : ordered()) {
            List<String> maps = new ArrayList<>();
            for (MapDeclaration m : l.parsed().maps()) {
                maps.add(m.name() + "=" + m.type() + ":" + m.argument());
            }
            out.add(new RuleSetView(l.parsed().name(), l.source().order(), l.source().origin(),
                    l.file() != null ? l.file().toString() : "rules", l.parsed().rules().size(),
                    l.parsed().engineOn(), List.copyOf(maps)));
        }
        return out;
    }

    @Override
    public TestReport test(TestRequest request) {
        Trace.Lines trace = new Trace.Lines();
        RuleList list = current;
        if (request.ruleSet() != null) {
            List<Rule> only = list.rules().stream().filter(r -> r.ruleSet().equals(request.ruleSet())).toList();
            if (only.isEmpty()) {
                trace.line("rule set '" + request.ruleSet() + "' is not in force (unknown, invalid, or without "
                        + "'RewriteEngine on')");
            }
            list = new RuleList(only, list.maps());
        }
        TestRequests.Built built;
        try {
            built = TestRequests.build(request);
        } catch (IllegalArgumentException e) {
            trace.line(e.getMessage());
            return new TestReport(trace.lines(), new Outcome.Status(400));
        }
        Outcome o = evaluator.evaluate(list, built.head(), built.client(), trace);
        return new TestReport(trace.lines(), o);
    }
}
