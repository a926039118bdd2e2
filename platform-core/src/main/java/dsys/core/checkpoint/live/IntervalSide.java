package dsys.core.checkpoint.live;

import dsys.core.checkpoint.Dependency;
import dsys.core.checkpoint.live.Control.CheckpointsQuery;
import dsys.core.checkpoint.live.Control.CheckpointsReport;
import dsys.core.node.NodeId;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A node's independent checkpoints (the notes' 独立检查点): taken on its own schedule, when the initiator's query
 * comes, or when asked, with nobody else involved. Each message carries the sender's interval (the number of its
 * latest checkpoint); a receiver remembers, per sender, the latest interval it received from in its current
 * interval (the most constraining edge of the dependency graph; the others add nothing) and stores that with its
 * next checkpoint. The initiator gathers checkpoints and dependencies and computes the recovery line
 * ({@link dsys.core.checkpoint.RecoveryLine}). A node's history starts at its base: its initial state, or the state a
 * restore gave it (then a new checkpoint, so no line of the new run reaches back across the restore).
 */
final class IntervalSide {

    /** The schedule's next checkpoint. */
    record Tick() {
    }

    private final CheckpointedCore core;
    private int base = -1, interval;
    private boolean any;
    /** Per sender, the latest send interval received in the current interval (looked up; sorted when stored). */
    private final Map<NodeId, Integer> received = new HashMap<>();
    private CheckpointsReport lastReport;
    /** From the last query: checkpoints on listed lines, and the range the line computed then may lie in. */
    private List<Integer> pinned = List.of();
    private int keepFrom, lastQueried = -1;

    IntervalSide(CheckpointedCore core) {
        this.core = core;
    }

    int interval() {
        return interval;
    }

    void load() {
        base = (int) core.store.numberOr("ibase", -1);
        List<LocalMeta> all = core.store.metas('i');
        any = !all.isEmpty();
        interval = any ? (int) all.get(all.size() - 1).number() : 0;
        core.store.get("ipins").ifPresent(line -> {
            String[] f = line.split(";", -1);
            keepFrom = Integer.parseInt(f[0]);
            lastQueried = Integer.parseInt(f[1]);
            pinned = f[2].isEmpty() ? List.of() : java.util.Arrays.stream(f[2].split(",")).map(Integer::valueOf).toList();
        });
    }

    /** After the wrapped core started: its first start's state is the base. */
    void start() {
        if (base < 0 || !any) {
            take("initial");
            base = interval;
            core.store.setNumber("ibase", base);
        }
        schedule();
    }

    void received(NodeId from, int sendInterval) {
        Integer had = received.get(from);
        if (had == null || had < sendInterval) received.put(from, sendInterval);
    }

    /** A local checkpoint of the current state, with the dependencies of the interval it closes. */
    LocalMeta take(String why) {
        int next = any ? interval + 1 : 0;
        List<Dependency> deps = new ArrayList<>();
        new TreeMap<>(received).forEach((from, send) -> deps.add(new Dependency(from.value(), send, core.self(), interval)));
        LocalMeta m = core.store.copy(local(next), next, "taken", deps);
        interval = next;
        any = true;
        received.clear();
        dropOldData();
        core.env.emit("checkpoint.taken", Map.of("checkpoint", next, "why", why, "dependencies", deps.size(),
                "entries", m.summary().entries()));
        return m;
    }

    /**
     * The data of all but the newest {@code keep} goes, the dependency records stay for the line. Kept besides: the
     * base, checkpoints on listed lines, and those the line of the last query may have picked (from the lowest listed
     * line to that query's checkpoint: the initiator lists it, and pins it with its next query).
     */
    private void dropOldData() {
        List<LocalMeta> stored = core.store.metas('i').stream().filter(m -> m.summary().stored()).toList();
        for (int i = 0; i < stored.size() - core.config.keep(); i++) {
            int n = (int) stored.get(i).number();
            if (n != base && !pinned.contains(n) && (n < keepFrom || n > lastQueried)) core.store.dropData(stored.get(i));
        }
    }

    void onQuery(CheckpointsQuery q) {
        if (lastReport != null && lastReport.query() == q.query()) {
            core.toInitiator(lastReport); // a repeated query: no second checkpoint
            return;
        }
        pinned = q.pinned();
        keepFrom = q.keepFrom();
        take("query");
        lastQueried = interval;
        core.store.put("ipins", keepFrom + ";" + lastQueried + ";" + String.join(",", pinned.stream().map(String::valueOf).toList()));
        List<Dependency> deps = new ArrayList<>();
        List<Views.LocalSummary> kept = new ArrayList<>();
        for (LocalMeta m : core.store.metas('i')) {
            if (m.number() < q.keepFrom() && m.number() != base) {
                core.store.delete(m.local()); // below every line the initiator lists, and lines only move forward
            } else if (m.number() >= base) {
                if (m.number() > base) deps.addAll(m.dependencies());
                kept.add(m.summary());
            }
        }
        lastReport = new CheckpointsReport(q.query(), base, interval, deps, kept);
        core.toInitiator(lastReport);
    }

    /** After a restore: a new history, whose base is the restored state (with its channel messages delivered). */
    void restarted() {
        received.clear();
        lastReport = null;
        take("restore");
        base = interval;
        core.store.setNumber("ibase", base);
    }

    private void schedule() {
        Duration every = core.config.independentEvery();
        if (every == null) return;
        long n = every.toNanos();
        core.env.after(Duration.ofNanos(n / 2 + core.env.random().nextLong(n + 1)), new Tick());
    }

    void onTick() {
        take("schedule");
        schedule();
    }

    static String local(int index) {
        return "i" + index;
    }
}
