package dsys.platform.transport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counts refused peer batches in {@code dsys.transport.rejected{reason}} and logs them, at most one line per reason
 * every 10 s: a peer (or a stranger) that keeps sending garbage must not flood the log.
 */
public final class Rejections {

    private static final Logger log = LoggerFactory.getLogger(Rejections.class);

    private final Map<PeerRefusal.Reason, Counter> counters = new EnumMap<>(PeerRefusal.Reason.class);
    private final Map<PeerRefusal.Reason, LogLimiter> logs = new EnumMap<>(PeerRefusal.Reason.class);

    public Rejections(MeterRegistry metrics) {
        for (PeerRefusal.Reason r : PeerRefusal.Reason.values()) {
            counters.put(r, Counter.builder("dsys.transport.rejected").tag("reason", r.tag())
                    .description("message batches from peers refused (forged, stranger, oversized, out-of-bounds clocks)")
                    .register(metrics));
            logs.put(r, new LogLimiter(Duration.ofSeconds(10)));
        }
    }

    public void count(PeerRefusal refusal, String from) {
        counters.get(refusal.reason()).increment();
        if (logs.get(refusal.reason()).allow()) {
            log.warn("refused messages from '{}' ({}): {}; for 10 s more of these are only counted (dsys.transport.rejected)",
                    printable(from), refusal.reason().tag(), refusal.getMessage());
        }
    }

    /** A stranger chose this header: keep it short and on one line in the log. */
    private static String printable(String s) {
        if (s == null) return "(none)";
        String t = s.length() > 64 ? s.substring(0, 64) + "…" : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }
}
