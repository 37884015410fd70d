package io.passerelle.core.internal.front;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.api.ClientInfo;
import io.passerelle.api.RequestHead;
import io.passerelle.common.config.Config;
import io.passerelle.common.config.ConfigException;
import io.passerelle.core.internal.net.CoreConfig;
import io.passerelle.core.internal.net.NetworkCore;

/**
 * One line per request in Apache's combined format to the logger {@code io.passerelle.access} (the
 * distribution sends it to {@code data/log/passerelle-access.log} through an asynchronous appender, so no I/O
 * thread ever writes a file). With {@code access.log.format = extended} ({@code io.passerelle.core}) each line goes
 * on with {@code route=NAME backend=URL upstream=SECONDS total=SECONDS}, and a tunnel's line, written when it
 * closes, with {@code tunnel=SECONDS in=BYTES out=BYTES}.
 */
@Component(service = AccessLog.class, configurationPid = NetworkCore.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class AccessLog {

    private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);

    private static final Logger ACCESS = LoggerFactory.getLogger("io.passerelle.access");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    private volatile long cachedSecond = -1;
    private volatile String cachedTime = "";
    private volatile boolean extended;

    /** Combined format (tests and harnesses). */
    public AccessLog() {
    }

    @Activate
    public AccessLog(CoreConfig config, Map<String, Object> props) {
        configure(config, props);
    }

    @Modified
    void configure(CoreConfig config, Map<String, Object> props) {
        Config c = Config.of(config, NetworkCore.PID, props);
        String format = c.string("access.log.format");
        if (!"combined".equals(format) && !"extended".equals(format)) {
            LOG.error(new ConfigException("access.log.format", "'" + format + "' is not combined or extended")
                    .describe(c.origin()));
            return;
        }
        extended = "extended".equals(format);
    }

    /** Whether lines go on with the route, backend, times and tunnel figures. */
    boolean extended() {
        return extended;
    }

    /** Whether lines are written at all (the logger's level): callers skip gathering what a line needs. */
    boolean enabled() {
        return ACCESS.isInfoEnabled();
    }

    /**
     * The line of an exchange: the request as the client sent it, the status (101 for a tunnel, 0 when nothing
     * was answered), the body bytes sent (for a tunnel, the bytes relayed to the client).
     */
    void log(ClientInfo client, RequestHead r, int status, long bytes, long startMillis, String more) {
        write(client, r.method() + " " + r.target() + " " + r.version(), status, bytes, r.headers().get("Referer"),
                r.headers().get("User-Agent"), startMillis, more);
    }

    void logRejected(ClientInfo client, String method, String target, String version, int status, long bytes) {
        if (!ACCESS.isInfoEnabled()) {
            return;
        }
        String line = method == null ? "-" : method + " " + target + " " + version;
        write(client, line, status, bytes, null, null, System.currentTimeMillis(), extended ? " route=- backend=- upstream=- total=0.000" : null);
    }

    private void write(ClientInfo client, String requestLine, int status, long bytes, String referer, String agent,
            long millis, String more) {
        StringBuilder sb = new StringBuilder(160);
        sb.append(client.remote().getAddress().getHostAddress()).append(" - - [").append(time(millis)).append("] \"");
        escape(sb, requestLine);
        sb.append("\" ").append(status == 0 ? "-" : Integer.toString(status)).append(' ')
                .append(bytes == 0 ? "-" : Long.toString(bytes)).append(" \"");
        escape(sb, referer == null ? "-" : referer);
        sb.append("\" \"");
        escape(sb, agent == null ? "-" : agent);
        sb.append('"');
        if (more != null) {
            sb.append(more);
        }
        ACCESS.info(sb.toString());
    }

    private String time(long millis) {
        long second = millis / 1000;
        if (second != cachedSecond) {
            String t = TIME.format(Instant.ofEpochSecond(second));
            cachedTime = t;
            cachedSecond = second;
            return t;
        }
        return cachedTime;
    }

    /** Escapes quotes, backslashes and non-printable bytes as httpd does ({@code \x..}). */
    static void escape(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c >= 0x7f) {
                sb.append("\\x").append(Character.forDigit((c >> 4) & 0xf, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                sb.append(c);
            }
        }
    }
}
