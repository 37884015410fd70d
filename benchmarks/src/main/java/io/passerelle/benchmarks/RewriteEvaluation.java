package io.passerelle.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.passerelle.api.ClientInfo;
import io.passerelle.api.HookResult;
import io.passerelle.api.RequestHead;
import io.passerelle.core.internal.http.FrontRequest;
import io.passerelle.core.internal.http.RequestHeadParser;
import io.passerelle.rewrite.internal.RewriteHook;
import io.passerelle.rewrite.internal.RuleSetSource;
import io.passerelle.rewrite.internal.engine.Evaluator;
import io.passerelle.rewrite.internal.engine.MapSource;
import io.passerelle.rewrite.internal.engine.Outcome;
import io.passerelle.rewrite.internal.engine.RuleList;
import io.passerelle.rewrite.internal.parse.ParsedRuleSet;
import io.passerelle.rewrite.internal.parse.RewriteSyntaxException;
import io.passerelle.rewrite.internal.parse.RuleSetParser;

/**
 * The rule set of the {@code rewrite20} variant of bench/variants.sh, run for its request {@code GET /small}:
 * 10 rules whose pattern matches but whose {@code RewriteCond %{HTTP_HOST}} fails, 9 whose pattern fails, and a
 * 20th that matches and rewrites the path to itself (so the outcome is "unchanged").
 * <p>
 * {@link #evaluate} is the engine alone on the parsed rules; {@link #translate} is the rewrite module's request
 * hook as the dispatcher calls it for every request (the rule set loaded from a {@code rules.file}, as in the
 * bench); {@link #parse} is the one-off cost of parsing the rule file when its configuration changes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// a fixed heap touched before the run: see "Heap" in benchmarks/README.md
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RewriteEvaluation {

    /** The rule file bench/variants.sh writes for the rewrite20 variant, line for line. */
    static final String RULES = rules();

    private static String rules() {
        StringBuilder b = new StringBuilder("RewriteEngine on\n");
        for (int i = 1; i <= 10; i++) {
            b.append("RewriteCond %{HTTP_HOST} ^legacy").append(i).append("\\.example\\.com$ [NC]\n");
            b.append("RewriteRule ^/(.*)$ http://www.example.com/site").append(i).append("/$1 [R=301,L]\n");
        }
        for (int i = 1; i <= 9; i++) {
            b.append("RewriteRule ^/old").append(i).append("/([a-z]+)/([0-9]+)$ /new").append(i)
                    .append("/$2/$1 [L]\n");
        }
        return b.append("RewriteRule ^/(small|big|[a-z]+)$ /$1 [L]\n").toString();
    }

    private final Evaluator evaluator = new Evaluator(Clock.systemDefaultZone());
    private final RewriteHook hook = new RewriteHook();
    private RuleList rules;
    private RequestHead request;
    private ClientInfo client;
    private Path rulesFile;

    @Setup
    public void setup() throws Exception {
        ParsedRuleSet parsed = parse();
        if (!parsed.engineOn() || parsed.rules().size() != 20) {
            throw new IllegalStateException("expected 20 rules in force, have " + parsed.rules().size());
        }
        rules = new RuleList(parsed.rules(), MapSource.NONE);
        client = new ClientInfo(1, new InetSocketAddress("127.0.0.1", 51234), new InetSocketAddress("127.0.0.1", 18411),
                false, "main");
        request = head("/small", "127.0.0.1:18411");

        rulesFile = Files.createTempFile("bench-rules", ".conf");
        Files.writeString(rulesFile, RULES);
        hook.put(new RuleSetSource("io.passerelle.rewrite~bench", "bench", rulesFile.toString(), 100, null,
                rulesFile.toString()));

        // the rules as the bench describes them: the measured request goes through all 20 unchanged ...
        check(evaluate() instanceof Outcome.Unchanged && translate() instanceof HookResult.Proceed p
                && p.path() == null, "GET /small is not left unchanged");
        // ... while each kind of rule does apply to the requests it is written for
        check(evaluator.evaluate(rules, head("/small", "LEGACY7.example.com"), client, null)
                instanceof Outcome.Redirect r && r.status() == 301
                && r.location().equals("http://www.example.com/site7/small"), "rule 7 does not redirect");
        check(evaluator.evaluate(rules, head("/old4/abc/12", "127.0.0.1:18411"), client, null)
                instanceof Outcome.Rewrite w && w.path().equals("/new4/12/abc"), "rule 14 does not rewrite");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    /** A request head as the front end hands it to the hooks (parsed and checked by the core). */
    private static RequestHead head(String target, String host) throws Exception {
        String text = "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: curl/8.5.0\r\n"
                + "Accept: */*\r\n\r\n";
        RequestHeadParser parser = new RequestHeadParser(16384, 100);
        if (!parser.parse(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)))) {
            throw new IllegalStateException("incomplete head");
        }
        return FrontRequest.of(parser).head();
    }

    @TearDown
    public void tearDown() throws IOException {
        Files.deleteIfExists(rulesFile);
    }

    /** The rewrite engine on the 20 rules. */
    @Benchmark
    public Outcome evaluate() {
        return evaluator.evaluate(rules, request, client, null);
    }

    /** The rewrite module's translate hook, as the dispatcher runs it. */
    @Benchmark
    public HookResult translate() {
        return hook.translate(request, client);
    }

    /** Parsing the rule file (configuration time, not per request). */
    @Benchmark
    public ParsedRuleSet parse() throws RewriteSyntaxException {
        return RuleSetParser.parseFile("bench", RULES);
    }
}
