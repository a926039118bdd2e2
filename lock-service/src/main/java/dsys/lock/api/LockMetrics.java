package dsys.lock.api;

import dsys.lock.node.LockNodeCore.NodeView;
import dsys.lock.node.LockReplies.FencedResult;
import dsys.lock.node.LockReplies.Granted;
import dsys.lock.node.LockReplies.Released;
import dsys.lock.stats.Counters;
import dsys.platform.metrics.TallyPoller;
import dsys.platform.web.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code dsys.lock.*} meters (service and node tags come from the platform's common tags). Wait and hold times
 * come from the replies; grants, denials, lease expiries, renewals and algorithm messages are the core's own
 * tallies, copied every second as counter increments.
 */
public final class LockMetrics implements AutoCloseable {

    private final MeterRegistry registry;
    private final LockHost host;
    /* Looked up once, not per acquire and release (a registry lookup builds and sorts the tags each time). */
    private volatile Timer hold; // registered at the first release (a racing second registration returns the same)
    private final Map<String, Timer> waits = new ConcurrentHashMap<>();
    private final TallyPoller poller;

    LockMetrics(MeterRegistry registry, LockHost host) {
        this.registry = registry;
        this.host = host;
        this.poller = new TallyPoller("dsys-lock-metrics", this::poll);
    }

    void acquired(Granted g, Throwable t) {
        if (g != null) {
            waits.computeIfAbsent(g.algorithm(), alg -> Timer.builder("dsys.lock.wait").description("time from acquire to grant")
                    .tag("algorithm", alg).publishPercentileHistogram().register(registry)).record(Duration.ofMillis(g.waitedMs()));
        } else if (cause(t) instanceof ProblemException p && p.status() == 409) {
            Counter.builder("dsys.lock.acquire.refused").tag("reason", "conflict").register(registry).increment();
        }
    }

    void released(Released r, Throwable failed) {
        if (r == null) return;
        Timer t = hold;
        if (t == null) {
            hold = t = Timer.builder("dsys.lock.hold").description("time from grant to release").publishPercentileHistogram()
                    .register(registry);
        }
        t.record(Duration.ofMillis(r.heldMs()));
    }

    void fencedWrite(FencedResult r, Throwable t) {
        String outcome = r != null ? "accepted" : cause(t) instanceof ProblemException p && p.status() == 409
                ? "stale" : "error";
        Counter.builder("dsys.lock.fenced.writes").tag("outcome", outcome).register(registry).increment();
    }

    private static Throwable cause(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private void poll() {
        try {
            NodeView v = host.view();
            for (var e : v.counters().entrySet()) {
                String alg = e.getKey();
                Counters c = e.getValue();
                add("dsys.lock.grants", alg, null, c.entries());
                add("dsys.lock.denials", alg, null, c.denials());
                add("dsys.lock.lease.expiries", alg, null, c.expiries());
                add("dsys.lock.renewals", alg, null, c.renewals());
                c.messages().forEach((type, n) -> add("dsys.lock.messages", alg, type, n));
            }
            add("dsys.lock.messages.background", "all", null, v.backgroundMessages());
        } catch (RuntimeException crashedOrPaused) {
            // the node is crashed or paused (fault injection): nothing to read this time
        }
    }

    private void add(String name, String algorithm, String type, long total) {
        long delta = poller.delta(name + "|" + algorithm + "|" + type, total);
        if (delta == 0) return;
        Counter.Builder b = Counter.builder(name).tag("algorithm", algorithm);
        if (type != null) b.tag("type", type);
        b.register(registry).increment(delta);
    }

    @Override
    public void close() {
        poller.close();
    }
}
