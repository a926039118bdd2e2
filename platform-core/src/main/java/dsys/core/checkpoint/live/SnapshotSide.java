package dsys.core.checkpoint.live;

import dsys.core.checkpoint.live.Control.ChannelCounts;
import dsys.core.checkpoint.live.Control.Count;
import dsys.core.checkpoint.live.Control.SnapshotClose;
import dsys.core.checkpoint.live.Control.SnapshotMarker;
import dsys.core.checkpoint.live.Control.SnapshotPart;
import dsys.core.checkpoint.live.Control.SnapshotRecorded;
import dsys.core.node.NodeId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A node's part in distributed snapshots (Chandy–Lamport's consistent cut) on channels that may lose, duplicate and
 * reorder, where a FIFO marker proves nothing: Lai–Yang's colours with Mattern's counters instead. Every message
 * carries its sender's colour, the number of the latest snapshot it recorded. A node records its state when the
 * initiator's marker comes or, before delivering it, when a message of a higher colour does (its sender recorded
 * first: delivering it first would put its receipt in the cut without its sending, an orphan). Messages of a lower
 * colour delivered after recording were sent before their sender's cut and received after this node's: they are the
 * channel's state, recorded. Each sender tells the initiator how many messages of its old colour it sent to each
 * node; a node's part is complete once it has counted that many distinct ones (before or after recording) from every
 * sender. At the deadline the initiator closes the snapshot and a node names what never came.
 */
final class SnapshotSide {

    /**
     * A sender's two highest colours seen, each with its count of distinct numbers (a snapshot needs the sender's
     * colour before its cut, which may show up after the first message of the new one).
     */
    private static final class Colors {
        long newest = -1, older = -1;
        SeqWindow newestWindow, olderWindow;

        SeqWindow take(long color) {
            if (color > newest) {
                older = newest;
                olderWindow = newestWindow;
                newest = color;
                newestWindow = new SeqWindow();
            } else if (color < newest && color > older) {
                older = color;
                olderWindow = new SeqWindow();
            }
            return peek(color);
        }

        SeqWindow peek(long color) {
            return color == newest ? newestWindow : color == older ? olderWindow : null;
        }
    }

    private static final class Recording {
        final long snapshot;
        final LocalMeta meta;
        final List<Count> sentBefore;
        final List<Arrival> channel = new ArrayList<>();
        List<Count> expected;

        Recording(long snapshot, LocalMeta meta, List<Count> sentBefore) {
            this.snapshot = snapshot;
            this.meta = meta;
            this.sentBefore = sentBefore;
        }
    }

    private final CheckpointedCore core;
    private long color;
    /**
     * The colour this node was in when it last restarted (-1: never restarted). Its counts of that colour began
     * before the restart and are lost with it, sent and received: channels of that colour cannot be counted.
     */
    private long restartColor = -1;
    /** Channel numbers start here in this incarnation, so they never repeat one from before a restart. */
    private long seqBase;
    private final TreeMap<NodeId, long[]> sent = new TreeMap<>();      // of the current colour, per destination
    private final Map<NodeId, Colors> arrivals = new HashMap<>();      // looked up only
    private Recording recording;
    private SnapshotPart last;

    SnapshotSide(CheckpointedCore core) {
        this.core = core;
    }

    long color() {
        return color;
    }

    long nextSeq(NodeId to) {
        long[] n = sent.get(to);
        if (n == null) sent.put(to, n = new long[]{seqBase});
        return ++n[0];
    }

    /**
     * {@code boots}: this start's number (1: the first ever). A recording a crash interrupted has lost its channel
     * state: it goes.
     */
    void load(long boots) {
        color = core.store.numberOr("color", 0);
        restartColor = boots > 1 ? color : -1;
        seqBase = boots << 32;
        for (LocalMeta m : core.store.metas('s')) if (m.status().equals("recording")) core.store.delete(m.local());
    }

    void arrive(NodeId from, Stamped s) {
        if (s.color() > color) record(s.color(), "a message from " + from);
        Colors c = arrivals.get(from);
        if (c == null) arrivals.put(from, c = new Colors());
        SeqWindow w = c.take(s.color());
        boolean fresh = w == null || w.take(s.seq());
        if (fresh && recording != null && s.color() < recording.snapshot) {
            recording.channel.add(new Arrival(from, s.inner()));
            if (recording.expected != null) finishIfCounted();
        }
    }

    private void record(long n, String cause) {
        if (recording != null) finish("superseded by snapshot " + n);
        List<Count> before = new ArrayList<>();
        long c = color;
        sent.forEach((to, k) -> before.add(new Count(to.value(), c, c == restartColor ? -1 : k[0] - seqBase)));
        LocalMeta meta = core.store.copy(local(n), n, "recording", List.of());
        color = n;
        core.store.setNumber("color", n);
        sent.clear();
        recording = new Recording(n, meta, before);
        core.toInitiator(new SnapshotRecorded(n, before));
        core.env.emit("snapshot.recorded", Map.of("snapshot", n, "cause", cause, "entries", meta.summary().entries()));
    }

    void onMarker(SnapshotMarker m) {
        if (m.snapshot() > color) record(m.snapshot(), "the initiator's marker");
        else if (recording != null && recording.snapshot == m.snapshot()) core.toInitiator(new SnapshotRecorded(m.snapshot(), recording.sentBefore));
        else answerLate(m.snapshot());
    }

    void onCounts(ChannelCounts c) {
        if (recording != null && recording.snapshot == c.snapshot()) {
            recording.expected = c.expected();
            finishIfCounted();
        } else {
            answerLate(c.snapshot());
        }
    }

    void onClose(SnapshotClose c) {
        if (recording != null && recording.snapshot == c.snapshot()) finish("closed at the deadline");
        else answerLate(c.snapshot());
    }

    /** The part again, or that this node has none (a crash or a restore ended its recording). */
    private void answerLate(long n) {
        if (last != null && last.snapshot() == n) core.toInitiator(last);
        else core.toInitiator(new SnapshotPart(n, null, List.of(), core.self() + " has no recording of snapshot " + n
                + " (it restarted or was restored since it recorded)"));
    }

    private void finishIfCounted() {
        for (Count e : recording.expected) if (uncountable(e) || counted(e) < e.count()) return;
        finish(null);
    }

    /** The sender, or this node, restarted during the channel's colour: what came before is not known. */
    private boolean uncountable(Count e) {
        return e.count() < 0 || e.color() <= restartColor;
    }

    private long counted(Count e) {
        Colors c = arrivals.get(NodeId.of(e.node()));
        SeqWindow w = c == null ? null : c.peek(e.color());
        return w == null ? 0 : w.count();
    }

    /** Writes the channel state and sends the part; {@code why} non-null: finished before every count was met. */
    private void finish(String why) {
        Recording r = recording;
        recording = null;
        core.store.addChannel(r.meta.local(), r.channel);
        TreeMap<String, Long> missing = new TreeMap<>();
        if (r.expected != null) {
            for (Count e : r.expected) missing.put(e.node(), uncountable(e) ? -1 : Math.max(0, e.count() - counted(e)));
        }
        TreeMap<String, TreeMap<String, Integer>> types = new TreeMap<>();
        for (Arrival a : r.channel) types.computeIfAbsent(a.node().value(), k -> new TreeMap<>()).merge(a.message().type(), 1, Integer::sum);
        TreeMap<String, Views.ChannelState> channels = new TreeMap<>();
        for (String from : union(missing.keySet(), types.keySet())) {
            TreeMap<String, Integer> t = types.getOrDefault(from, new TreeMap<>());
            channels.put(from, new Views.ChannelState(from, core.self(), t.values().stream().mapToInt(Integer::intValue).sum(), t,
                    r.expected == null ? -1 : missing.getOrDefault(from, 0L)));
        }
        boolean complete = why == null && channels.values().stream().allMatch(c -> c.missing() == 0);
        LocalMeta done = r.meta.withStatus(complete ? "complete" : "partial").withChannel(r.channel.size());
        core.store.put(done);
        last = new SnapshotPart(r.snapshot, done.summary(), List.copyOf(channels.values()), null);
        core.toInitiator(last);
        core.env.emit("snapshot.local-complete", Map.of("snapshot", r.snapshot, "inFlight", r.channel.size(),
                "complete", complete, "why", why == null ? "every count met" : why));
        core.trim('s', m -> !m.status().equals("recording"));
    }

    private static List<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.TreeSet<String> u = new java.util.TreeSet<>(a);
        u.addAll(b);
        return List.copyOf(u);
    }

    /**
     * A restore: a recording under way is dropped, and counting starts afresh in the new epoch, everywhere (nothing of
     * the old one is delivered), so a restart before it leaves nothing uncountable.
     */
    void reset() {
        restartColor = -1;
        if (recording != null) core.store.delete(recording.meta.local());
        recording = null;
        last = null;
        sent.clear();
        arrivals.clear();
    }

    static String local(long snapshot) {
        return "s" + snapshot;
    }
}
