package dsys.lock.stats;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Mutable per-algorithm tallies of one node; {@link #snapshot()} gives plain records. They outlive restarts through
 * {@link StatsStore}; {@link #counting()} says since when they count and how much a crash may have lost.
 */
public final class LockStats {

    private static final class Acc {
        long entries, remoteEntries, exits, waitMs, holdMs, denials, expiries, renewals;
        double delay;
        final Map<String, Long> messages = new TreeMap<>();
    }

    private final Map<String, Acc> byAlgorithm = new HashMap<>();
    private long background;
    private Counting counting = new Counting(0, 0, 0);
    private long changes;
    private long savedChanges;

    private Acc acc(String algorithm) {
        changes++;
        return byAlgorithm.computeIfAbsent(algorithm, k -> new Acc());
    }

    public void message(String algorithm, String type) {
        acc(algorithm).messages.merge(type, 1L, Long::sum);
    }

    public void background() {
        background++;   // not a change worth a save by itself: heartbeats never stop
    }

    public void entry(String algorithm, boolean remote, double delayMessages, long waitMs) {
        Acc a = acc(algorithm);
        a.entries++;
        if (remote) a.remoteEntries++;
        a.delay += delayMessages;
        a.waitMs += waitMs;
    }

    public void exit(String algorithm, long heldMs, boolean expired) {
        Acc a = acc(algorithm);
        a.exits++;
        a.holdMs += heldMs;
        if (expired) a.expiries++;
    }

    public void denial(String algorithm) {
        acc(algorithm).denials++;
    }

    public void renewal(String algorithm) {
        acc(algorithm).renewals++;
    }

    public long backgroundMessages() {
        return background;
    }

    public Map<String, Counters> snapshot() {
        Map<String, Counters> out = new TreeMap<>();
        byAlgorithm.forEach((k, a) -> out.put(k, new Counters(a.entries, a.remoteEntries, a.exits,
                Map.copyOf(a.messages), a.delay, a.waitMs, a.holdMs, a.denials, a.expiries, a.renewals)));
        return out;
    }

    /** Starts counting afresh at {@code nowMs} (this node's clock). */
    public void reset(long nowMs) {
        byAlgorithm.clear();
        background = 0;
        counting = new Counting(nowMs, 0, 0);
        changes++;
    }

    public Counting counting() {
        return counting;
    }

    // ---- for StatsStore -------------------------------------------------------------------------------------------

    boolean unsaved() {
        return changes != savedChanges;
    }

    void saved() {
        savedChanges = changes;
    }

    void restore(Map<String, Counters> counters, long background, Counting counting) {
        byAlgorithm.clear();
        counters.forEach((alg, c) -> {
            Acc a = acc(alg);
            a.entries = c.entries();
            a.remoteEntries = c.remoteEntries();
            a.exits = c.exits();
            a.delay = c.delaySum();
            a.waitMs = c.waitMsSum();
            a.holdMs = c.holdMsSum();
            a.denials = c.denials();
            a.expiries = c.expiries();
            a.renewals = c.renewals();
            a.messages.putAll(c.messages());
        });
        this.background = background;
        this.counting = counting;
        changes++;
    }
}
