package io.passerelle.rewrite.internal;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.api.ClientInfo;
import io.passerelle.api.HookResult;
import io.passerelle.api.HttpFields;
import io.passerelle.api.RequestHead;
import io.passerelle.api.RequestHook;
import io.passerelle.api.ResponseHead;
import io.passerelle.api.spi.RewriteMap;
import io.passerelle.common.config.ConfigException;
import io.passerelle.common.http.Reasons;
import io.passerelle.common.osgi.ServiceProperties;
import io.passerelle.rewrite.internal.engine.Outcome;
import io.passerelle.rewrite.internal.engine.RuleList;
import io.passerelle.rewrite.internal.engine.Trace;

/**
 * The translate-phase hook running the rule sets in force (SPEC §3 step 3, §4.6), and the owner of the
 * module's reload scheduler and of the {@link RewriteMap} whiteboard. On the I/O thread it only reads an
 * immutable snapshot. The logger {@value #TRACE_LOGGER} at TRACE logs for live requests the trace that
 * {@code proxy:rewrite-test} prints (httpd's {@code LogLevel rewrite:trace}), at DEBUG the outcome only.
 */
@Component(service = {RequestHook.class, RewriteService.class}, immediate = true,
        property = RequestHook.ORDER + ":Integer=100")
public final class RewriteHook implements RequestHook, RewriteService {

    static final String TRACE_LOGGER = "io.passerelle.rewrite.trace";
    static final long POLL_MILLIS = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(RewriteHook.class);
    private static final Logger TRACE = LoggerFactory.getLogger(TRACE_LOGGER);

    private final RewriteRuntime runtime = new RewriteRuntime(Clock.systemDefaultZone(), RewriteRuntime.defaultBase());
    private ScheduledExecutorService scheduler;

    @Activate
    void activate() {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "passerelle-rewrite-reload");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void poll() {
        try {
            runtime.poll();
        } catch (RuntimeException e) {
            LOG.warn("Rewrite file reload failed", e);
        }
    }

    @Deactivate
    void deactivate() {
        scheduler.shutdownNow();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindRewriteMap(RewriteMap map, Map<String, Object> props) {
        for (String type : types(props)) {
            runtime.bindMap(type, map);
        }
    }

    void unbindRewriteMap(RewriteMap map, Map<String, Object> props) {
        for (String type : types(props)) {
            runtime.unbindMap(type, map);
        }
    }

    private static List<String> types(Map<String, Object> props) {
        return ServiceProperties.values(props.get(RewriteMap.TYPE));
    }

    @Override
    public HookResult translate(RequestHead request, ClientInfo client) {
        RuleList list = runtime.current();
        if (list.rules().isEmpty()) {
            return HookResult.proceed();
        }
        Trace trace = null;
        if (TRACE.isTraceEnabled()) {
            long id = client.connectionId();
            trace = line -> TRACE.trace("[{}] {}", id, line);
        }
        Outcome o = runtime.evaluate(request, client, trace);
        if (trace == null && !(o instanceof Outcome.Unchanged) && TRACE.isDebugEnabled()) {
            TRACE.debug("[{}] {} {} -> {}", client.connectionId(), request.method(), request.pathAndQuery(),
                    o.describe());
        }
        return toHookResult(o);
    }

    /** How the core carries out an outcome. */
    static HookResult toHookResult(Outcome o) {
        if (o instanceof Outcome.Rewrite r) {
            return new HookResult.Proceed(r.path(), r.query(), false);
        }
        if (o instanceof Outcome.Redirect r) {
            HttpFields h = new HttpFields().add("Location", r.location());
            return new HookResult.Respond(new ResponseHead(r.status(), Reasons.of(r.status()), h));
        }
        if (o instanceof Outcome.Status s) {
            return new HookResult.Respond(new ResponseHead(s.status(), Reasons.of(s.status()), new HttpFields()));
        }
        if (o instanceof Outcome.Proxy p) {
            return new HookResult.Proxy(p.url());
        }
        return HookResult.proceed();
    }

    @Override
    public void put(RuleSetSource source) throws ConfigException {
        runtime.put(source);
    }

    @Override
    public void remove(String pid) {
        runtime.remove(pid);
    }

    @Override
    public List<RuleSetView> ruleSets() {
        return runtime.ruleSets();
    }

    @Override
    public TestReport test(TestRequest request) {
        return runtime.test(request);
    }
}
