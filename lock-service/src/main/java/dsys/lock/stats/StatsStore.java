package dsys.lock.stats;

import dsys.core.env.Durable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps a node's tallies across restarts, cheaply: a snapshot when they changed, every {@code intervalMs} (one put,
 * fsynced with whatever else that step writes, never one per message) and on a graceful stop. Without it a restarted
 * node counted from zero while the others kept their totals, and the cluster's ratio mixed periods (a coordinator
 * restart once showed 2.01 messages per centralized entry/exit: its Grants were gone, the others' Requests not).
 */
public final class StatsStore {

    private static final String KEY = "stats";
    private static final String F = "\u001f";
    private static final String R = "\u001e";
    private final Durable storage;
    private final long intervalMs;

    public StatsStore(Durable storage, long intervalMs) {
        this.storage = storage;
        this.intervalMs = intervalMs;
    }

    /**
     * At start: resumes the saved tallies, or starts counting at {@code nowMs}. A snapshot not marked clean means the
     * node crashed, losing at most one interval. Saved again at once, unclean, so that a crash right after counts too.
     */
    public void load(LockStats stats, long nowMs) {
        String s = storage.get(KEY).orElse(null);
        if (s == null) {
            stats.reset(nowMs);
        } else {
            String[] rows = s.split(R, -1);
            String[] h = rows[0].split(F, -1);
            boolean clean = h[4].equals("1");
            Counting c = new Counting(Long.parseLong(h[1]), Integer.parseInt(h[2]) + 1,
                    Long.parseLong(h[3]) + (clean ? 0 : intervalMs));
            Map<String, Counters> counters = new TreeMap<>();
            for (int i = 1; i < rows.length; i++) {
                String[] f = rows[i].split(F, -1);
                counters.put(f[0], new Counters(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                        messages(f[10]), Double.parseDouble(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]),
                        Long.parseLong(f[7]), Long.parseLong(f[8]), Long.parseLong(f[9])));
            }
            stats.restore(counters, Long.parseLong(h[5]), c);
        }
        save(stats, false);
    }

    /** Called every {@code intervalMs}: writes only when an entry, exit or algorithm message was counted since. */
    public void saveIfChanged(LockStats stats) {
        if (stats.unsaved()) save(stats, false);
    }

    /** {@code clean}: a graceful stop, nothing after this snapshot is lost. */
    public void save(LockStats stats, boolean clean) {
        Counting c = stats.counting();
        List<String> rows = new ArrayList<>();
        rows.add(String.join(F, "v1", Long.toString(c.sinceMs()), Integer.toString(c.restarts()),
                Long.toString(c.uncountedAtMostMs()), clean ? "1" : "0", Long.toString(stats.backgroundMessages())));
        stats.snapshot().forEach((alg, x) -> rows.add(String.join(F, alg, Long.toString(x.entries()),
                Long.toString(x.remoteEntries()), Long.toString(x.exits()), Double.toString(x.delaySum()),
                Long.toString(x.waitMsSum()), Long.toString(x.holdMsSum()), Long.toString(x.denials()),
                Long.toString(x.expiries()), Long.toString(x.renewals()), messages(x.messages()))));
        storage.put(KEY, String.join(R, rows));
        stats.saved();
    }

    private static String messages(Map<String, Long> m) {
        List<String> out = new ArrayList<>();
        m.forEach((k, v) -> out.add(k + "=" + v));
        return String.join(",", out);
    }

    private static Map<String, Long> messages(String s) {
        Map<String, Long> m = new TreeMap<>();
        if (s.isEmpty()) return m;
        for (String kv : s.split(",")) {
            int i = kv.lastIndexOf('=');
            m.put(kv.substring(0, i), Long.parseLong(kv.substring(i + 1)));
        }
        return m;
    }
}
