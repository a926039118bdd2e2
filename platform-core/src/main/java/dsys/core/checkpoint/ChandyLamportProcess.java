package dsys.core.checkpoint;

import dsys.core.checkpoint.ChannelMessages.Marker;
import dsys.core.checkpoint.ChannelMessages.OnChannel;
import dsys.core.checkpoint.ChannelMessages.Transfer;
import dsys.core.checkpoint.CheckpointRequests.RestoreSnapshot;
import dsys.core.checkpoint.CheckpointRequests.SnapshotRestored;
import dsys.core.checkpoint.CheckpointRequests.StartSnapshot;
import dsys.core.checkpoint.ProcessState.Sent;
import dsys.core.checkpoint.SnapshotMessages.RestoreToSnapshot;
import dsys.core.checkpoint.SnapshotMessages.RestoredToSnapshot;
import dsys.core.checkpoint.SnapshotMessages.SnapshotPart;
import dsys.core.checkpoint.SnapshotMessages.SnapshotQuery;
import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A bank process taking part in Chandy–Lamport distributed snapshots (the notes' non-blocking distributed snapshot
 * algorithm for coordinated checkpointing). The initiator records its state and sends a marker on every outgoing
 * channel. A process receiving its first marker of a snapshot records its state, sends markers on all its outgoing
 * channels, and takes the channel that marker came on as empty; it records every other incoming channel — the
 * transfers that arrive on it — until that channel's marker arrives. Nobody stops sending. With FIFO channels
 * (which {@link BankProcess} builds) the recorded states and channel states are a consistent global state: the
 * money in it is all the money there is. Snapshots are told apart by id, so several initiators' snapshots may run
 * at once. Each finished part goes to stable storage and to the initiator, which assembles the
 * {@link GlobalSnapshot}; restoring one sets every process back to its recorded state and delivers the recorded
 * channel messages again.
 */
public final class ChandyLamportProcess extends BankCore {

    static final String LOCAL = "snap.local.", COUNTER = "snap.counter";

    /** A snapshot this process has recorded its state for and whose incoming channels are not all closed. */
    private static final class Recording {
        final String id;
        final NodeId initiator;
        ProcessState state;
        final TreeSet<NodeId> open = new TreeSet<>();
        final TreeMap<String, List<Sent>> channels = new TreeMap<>();
        final TreeMap<String, Long> closedAt = new TreeMap<>();

        Recording(String id, NodeId initiator) {
            this.id = id;
            this.initiator = initiator;
        }
    }

    /** A snapshot this process started: the parts in so far, and the client waiting for the result. */
    private static final class Initiated {
        final RequestId request;
        final TreeMap<String, LocalSnapshot> parts = new TreeMap<>();
        GlobalSnapshot result;

        Initiated(RequestId request) {
            this.request = request;
        }
    }

    private record CollectTick(String snapshot) {
    }

    private record RestoreTick(String snapshot, long epoch) {
    }

    private final TreeMap<String, Recording> recording = new TreeMap<>();
    private final TreeSet<String> seen = new TreeSet<>();
    private final TreeMap<String, Initiated> initiated = new TreeMap<>();
    private String restoring;
    private long restoreEpoch;
    private RequestId restoreRequest;
    private final TreeSet<NodeId> restored = new TreeSet<>();

    public ChandyLamportProcess(Env env, long opening, CheckpointTiming timing) {
        super(env, opening, timing);
    }

    @Override
    protected void started() {
    }

    /** Frozen until some initiator restores a snapshot: its recorded state is then this process's state. */
    @Override
    protected void restarted() {
    }

    /** {@code s<epoch>-<n>-<initiator>}: unique per initiator, and a marker from before a rollback shows its epoch. */
    private String newId() {
        long n = env.storage().get(COUNTER).map(Long::parseLong).orElse(0L) + 1;
        env.storage().put(COUNTER, Long.toString(n));
        return "s" + bank.epoch() + "-" + n + "-" + env.self().value();
    }

    private static long epochOf(String snapshot) {
        return Long.parseLong(snapshot.substring(1, snapshot.indexOf('-')));
    }

    private static NodeId initiatorOf(String snapshot) {
        return NodeId.of(snapshot.split("-", 3)[2]);
    }

    @Override
    protected void request(RequestId request, Object body) {
        if (body instanceof StartSnapshot) {
            if (frozen) {
                env.reply(request, Rejection.unavailable(env.self() + " is recovering"));
                return;
            }
            String id = newId();
            initiated.put(id, new Initiated(request));
            env.emit("snapshot.start", Map.of("snapshot", id));
            record(id, env.self(), null);
            env.after(timing.retry(), new CollectTick(id));
        } else if (body instanceof RestoreSnapshot r) {
            Initiated i = initiated.get(r.snapshot());
            if (i == null || i.result == null) {
                env.reply(request, Rejection.conflict("unknown-snapshot", "no completed snapshot " + r.snapshot() + " initiated here"));
            } else if (restoring != null) {
                env.reply(request, Rejection.conflict("restore-under-way", "restoring " + restoring));
            } else {
                restoring = r.snapshot();
                restoreEpoch = bank.epoch() + 1;
                restoreRequest = request;
                restored.clear();
                env.emit("snapshot.restore", Map.of("snapshot", restoring, "epoch", restoreEpoch));
                restoreHere(restoring, restoreEpoch);
                for (NodeId p : bank.peers()) env.send(p, new RestoreToSnapshot(restoring, restoreEpoch));
                env.after(timing.retry(), new RestoreTick(restoring, restoreEpoch));
            }
        } else {
            env.reply(request, Rejection.badRequest("unknown request " + body.getClass().getSimpleName()));
        }
    }

    /**
     * Records this process's state for {@code id} and sends a marker on every outgoing channel before anything
     * else. The markers go first so that the recorded channel ends count them: a restore then resumes every channel
     * just after its marker. {@code markerFrom}: the channel the first marker came on, empty in the snapshot.
     */
    private void record(String id, NodeId initiator, NodeId markerFrom) {
        for (NodeId p : bank.peers()) bank.marker(p, id);
        Recording r = new Recording(id, initiator);
        r.state = bank.state();
        for (NodeId p : bank.peers()) {
            r.channels.put(p.value(), new ArrayList<>());
            if (p.equals(markerFrom)) r.closedAt.put(p.value(), bank.delivered(p));
            else r.open.add(p);
        }
        recording.put(id, r);
        seen.add(id);
        env.emit("snapshot.recorded", Map.of("snapshot", id, "balance", bank.balance(),
                "markerFrom", markerFrom == null ? "" : markerFrom.value()));
        if (r.open.isEmpty()) complete(r);
    }

    @Override
    protected void delivered(NodeId from, OnChannel m) {
        if (m instanceof Transfer t) {
            for (Recording r : recording.values()) {
                if (r.open.contains(from)) r.channels.get(from.value()).add(Sent.transfer(t.id(), t.amount(), t.interval()));
            }
        } else if (m instanceof Marker k) {
            if (epochOf(k.snapshot()) != bank.epoch()) return; // sent again from a log, of a snapshot before a rollback
            env.emit("snapshot.marker", Map.of("snapshot", k.snapshot(), "from", from.value()));
            Recording r = recording.get(k.snapshot());
            if (r == null) {
                if (!seen.contains(k.snapshot())) record(k.snapshot(), initiatorOf(k.snapshot()), from);
                return;
            }
            r.open.remove(from);
            r.closedAt.put(from.value(), bank.delivered(from));
            if (r.open.isEmpty()) complete(r);
        }
    }

    /** Every incoming channel's marker is in: the part is final. */
    private void complete(Recording r) {
        recording.remove(r.id);
        LocalSnapshot part = new LocalSnapshot(r.id, env.self().value(), r.state, r.channels, r.closedAt);
        env.storage().put(LOCAL + r.id, part.encode());
        int inTransit = r.channels.values().stream().mapToInt(List::size).sum();
        env.emit("snapshot.local-complete", Map.of("snapshot", r.id, "balance", r.state.balance(), "inTransit", inTransit));
        if (r.initiator.equals(env.self())) collect(part);
        else env.send(r.initiator, new SnapshotPart(r.id, part.encode()));
    }

    private void collect(LocalSnapshot part) {
        Initiated i = initiated.get(part.snapshot());
        if (i == null || i.result != null) return;
        i.parts.put(part.node(), part);
        if (i.parts.size() < bank.peers().size() + 1) return;
        i.result = GlobalSnapshot.assemble(part.snapshot(), env.self().value(), i.parts.values());
        env.emit("snapshot.complete", Map.of("snapshot", part.snapshot(),
                "inTransit", i.result.channels().values().stream().mapToInt(List::size).sum()));
        env.reply(i.request, i.result);
    }

    @Override
    protected void message(NodeId from, Message m) {
        if (m instanceof SnapshotPart p) {
            collect(LocalSnapshot.decode(p.local()));
        } else if (m instanceof SnapshotQuery q) {
            env.storage().get(LOCAL + q.snapshot()).ifPresent(line -> env.send(from, new SnapshotPart(q.snapshot(), line)));
        } else if (m instanceof RestoreToSnapshot r) {
            if (r.epoch() > bank.epoch()) restoreHere(r.snapshot(), r.epoch());
            if (r.epoch() == bank.epoch() && !frozen) env.send(from, new RestoredToSnapshot(r.snapshot(), r.epoch()));
        } else if (m instanceof RestoredToSnapshot r) {
            if (!r.snapshot().equals(restoring) || r.epoch() != restoreEpoch) return;
            restored.add(from);
            if (restored.size() == bank.peers().size()) {
                env.emit("snapshot.restore-complete", Map.of("snapshot", restoring, "epoch", restoreEpoch));
                env.reply(restoreRequest, new SnapshotRestored(restoring, restoreEpoch));
                restoring = null;
            }
        }
    }

    /** Rolls back to the recorded state and re-delivers the recorded channel states; snapshots under way are dropped. */
    private void restoreHere(String snapshot, long epoch) {
        LocalSnapshot part = env.storage().get(LOCAL + snapshot).map(LocalSnapshot::decode)
                .orElseThrow(() -> new IllegalStateException(env.self() + " has no part of snapshot " + snapshot));
        for (String id : recording.keySet()) env.emit("snapshot.abandoned", Map.of("snapshot", id));
        recording.clear();
        rollBack(part.state(), epoch);
        int reinjected = 0;
        for (NodeId p : bank.peers()) {
            List<Sent> inTransit = part.channels().getOrDefault(p.value(), List.of());
            bank.reinject(p, inTransit, part.closedAt().get(p.value()));
            reinjected += inTransit.size();
        }
        env.emit("snapshot.restored", Map.of("snapshot", snapshot, "epoch", epoch, "reinjected", reinjected,
                "balance", bank.balance()));
    }

    @Override
    protected void timer(Object timer) {
        if (timer instanceof CollectTick t) {
            Initiated i = initiated.get(t.snapshot());
            if (i == null || i.result != null || epochOf(t.snapshot()) != bank.epoch()) return;
            for (NodeId p : bank.peers()) if (!i.parts.containsKey(p.value())) env.send(p, new SnapshotQuery(t.snapshot()));
            env.after(timing.retry(), timer);
        } else if (timer instanceof RestoreTick t && t.snapshot().equals(restoring) && t.epoch() == restoreEpoch) {
            for (NodeId p : bank.peers()) if (!restored.contains(p)) env.send(p, new RestoreToSnapshot(restoring, restoreEpoch));
            env.after(timing.retry(), timer);
        }
    }
}
