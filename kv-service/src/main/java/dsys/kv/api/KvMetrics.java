package dsys.kv.api;

import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.QuorumStats;
import dsys.platform.metrics.TallyPoller;
import dsys.platform.web.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code dsys.kv.*} meters (the service and node tags are the platform's common tags). Operations and their
 * latency are taken here, around the core's answer; repairs, tombstones and lag come from the cores' own tallies,
 * read every second (as {@code LockMetrics} does):
 * <ul>
 * <li>{@code dsys.kv.repairs{kind=write-back}}: a linearizable read's writes of the newest version to replicas of
 * its read quorum that lacked it; {@code kind=anti-entropy}: chosen versions this replica learned from a peer.</li>
 * <li>{@code dsys.kv.tombstones}: death certificates this node's replicas hold (all keyspaces).</li>
 * <li>{@code dsys.kv.replica.lag} (seconds): how far this replica trailed, measured when anti-entropy caught it
 * up: the age (now minus the version's hybrid-time counter) of the oldest version learned in the latest
 * {@code Learn}, when it learned anything in the last poll (1 s); 0 when nothing was learned.</li>
 * </ul>
 */
public final class KvMetrics implements AutoCloseable {

    private final MeterRegistry registry;
    private final KvHost host;
    private final Map<String, Counter> operations = new ConcurrentHashMap<>();
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();
    private final AtomicLong tombstones = new AtomicLong();
    private final AtomicLong lagMs = new AtomicLong();
    private final TallyPoller poller;

    KvMetrics(MeterRegistry registry, KvHost host) {
        this.registry = registry;
        this.host = host;
        Gauge.builder("dsys.kv.tombstones", tombstones, AtomicLong::get)
                .description("death certificates held by this node's replicas").register(registry);
        Gauge.builder("dsys.kv.replica.lag", lagMs, v -> v.get() / 1000.0).baseUnit("seconds")
                .description("age of the oldest version this replica learned by anti-entropy in the last second")
                .register(registry);
        for (String kind : new String[]{"write-back", "anti-entropy"}) repairs(kind); // present from the start
        this.poller = new TallyPoller("dsys-kv-metrics", this::poll);
    }

    /** Counts {@code call}'s outcome and, when a quorum answered, its latency from now. */
    <T> CompletableFuture<T> timed(String keyspace, String op, String level, CompletableFuture<T> call) {
        long start = System.nanoTime();
        return call.whenComplete((r, t) -> {
            String outcome = outcome(r, t);
            operations.computeIfAbsent(keyspace + "|" + op + "|" + level + "|" + outcome, k -> Counter
                    .builder("dsys.kv.operations").description("kv operations this node coordinated")
                    .tag("keyspace", keyspace).tag("op", op).tag("level", level).tag("outcome", outcome)
                    .register(registry)).increment();
            if (outcome.equals("ok") || outcome.equals("precondition") || outcome.equals("not-found")) {
                latency.computeIfAbsent(level, l -> Timer.builder("dsys.kv.quorum.latency")
                                .description("time from the request to the quorum's answer").tag("level", l)
                                .publishPercentileHistogram().register(registry))
                        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        });
    }

    static String outcome(Object reply, Throwable t) {
        if (t == null) return reply instanceof KvReplies.Value v && !v.found() ? "not-found" : "ok";
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (!(c instanceof ProblemException p)) return "error";
        return switch (p.status()) {
            case 412 -> "precondition";
            case 404 -> "not-found";
            case 504 -> "timeout";
            case 503 -> "unavailable";
            default -> "error";
        };
    }

    private Counter repairs(String kind) {
        return Counter.builder("dsys.kv.repairs").description("newer versions written to stale replicas")
                .tag("kind", kind).register(registry);
    }

    private void poll() {
        try {
            Map<String, QuorumStats.View> views = host.stats().get(5, TimeUnit.SECONDS);
            long learnedNow = 0;
            long lag = 0;
            for (Map.Entry<String, QuorumStats.View> e : views.entrySet()) {
                Map<String, Long> c = e.getValue().counts();
                add("write-back", e.getKey(), c.getOrDefault("writebacks", 0L));
                long learned = add("anti-entropy", e.getKey(), c.getOrDefault("antientropy.learned", 0L));
                learnedNow += learned;
                if (learned > 0) lag = Math.max(lag, c.getOrDefault("antientropy.lag.ms", 0L));
            }
            lagMs.set(learnedNow > 0 ? lag : 0);
            tombstones.set(host.tombstones());
        } catch (Exception crashedOrPaused) {
            // the node is crashed or paused (fault injection): nothing to read this time
        }
    }

    /** Counters only grow; a core restart resets its tallies, so a drop restarts the baseline. Returns the delta. */
    private long add(String kind, String keyspace, long total) {
        String key = kind + "|" + keyspace;
        long delta = poller.delta(key, total);
        if (delta > 0) repairs(kind).increment(delta);
        return delta;
    }

    @Override
    public void close() {
        poller.close();
    }
}
