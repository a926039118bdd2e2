package dsys.lock.stats;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** Mutable per-algorithm tallies of one node; {@link #snapshot()} gives plain records. */
public final class LockStats {

    private static final class Acc {
        long entries, remoteEntries, exits, waitMs, holdMs, denials, expiries, renewals;
        double delay;
        final Map<String, Long> messages = new TreeMap<>();
    }

    private final Map<String, Acc> byAlgorithm = new HashMap<>();
    private long background;

    private Acc acc(String algorithm) {
        return byAlgorithm.computeIfAbsent(algorithm, k -> new Acc());
    }

    public void message(String algorithm, String type) {
        acc(algorithm).messages.merge(type, 1L, Long::sum);
    }

    public void background() {
        background++;
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

    public void reset() {
        byAlgorithm.clear();
        background = 0;
    }
}
