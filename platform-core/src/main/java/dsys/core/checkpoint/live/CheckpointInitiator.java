package dsys.core.checkpoint.live;

import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The initiator and coordinator of checkpoints of a group of {@link CheckpointedCore}s (txn-1 live, for the kv
 * replicas): starts snapshots, runs coordinated rounds and independent queries, keeps the list of global
 * checkpoints ({@link GlobalCatalog}) and restores one. One run at a time: a second is refused (409) while one runs,
 * and while a restore's orders are still on their way to a node (a restore may supersede it). On stable storage:
 * its counters, the restore epoch, the latest round's outcome (the commit point of a coordinated checkpoint), and
 * the run a crash must not forget (an undecided round, aborted on recovery; a restore, whose orders go on).
 */
public final class CheckpointInitiator implements Core {

    /** Crash point: CHECKPOINT_REQUEST is out, the round undecided. */
    public static final String AFTER_REQUEST_SENT = "ckpt-after-request-sent";
    static final String P = "ckpt.init.";

    /** A timer of run {@code op}. */
    record Tick(long op, String kind) {
    }

    final Env env;
    final List<NodeId> nodes;
    final InitiatorTiming timing;
    final GlobalCatalog catalog;
    long epoch;
    private long opIds;
    private InitiatorOp running;
    private final List<InitiatorOp> background = new ArrayList<>();

    public CheckpointInitiator(Env env, List<NodeId> nodes, Codec codec, InitiatorTiming timing, int keep) {
        if (nodes.isEmpty()) throw new IllegalArgumentException("no nodes to checkpoint");
        this.env = env;
        this.nodes = List.copyOf(new TreeSet<>(nodes));
        this.timing = timing;
        this.catalog = new GlobalCatalog(env.storage(), codec, keep);
    }

    @Override
    public void onStart() {
        epoch = number("epoch");
        catalog.load();
        String active = env.storage().get(P + "active").orElse(null);
        if (active == null) return;
        String[] f = active.split("\\|");
        if (f[0].equals("round") && Long.parseLong(f[1]) != number("decided")) {
            background(CoordinatedRound.abortAfterCrash(this, Long.parseLong(f[1])));
        } else if (f[0].equals("restore") && catalog.get(f[1]) != null) {
            background(RestoreRound.resume(this, catalog.get(f[1]), Long.parseLong(f[2])));
        } else {
            env.storage().remove(P + "active");
        }
    }

    @Override
    public void onRequest(RequestId request, Object body) {
        if (body instanceof Views.Take t) {
            Algorithm a = Algorithm.parse(t.algorithm());
            if (a == null) env.reply(request, Rejection.badRequest("algorithm must be independent, coordinated or snapshot, not " + t.algorithm()));
            else if (busy(false) != null) env.reply(request, Rejection.conflict("checkpoint-busy", busy(false)));
            else run(a == Algorithm.SNAPSHOT ? new SnapshotRound(this, request)
                    : a == Algorithm.COORDINATED ? new CoordinatedRound(this, request) : new IndependentRound(this, request));
        } else if (body instanceof Views.Restore r) {
            Views.GlobalCheckpoint g = catalog.get(r.id());
            if (g == null) env.reply(request, notFound(r.id()));
            else if (busy(true) != null) env.reply(request, Rejection.conflict("checkpoint-busy", busy(true)));
            else {
                background.removeIf(b -> b instanceof RestoreRound); // superseded: the new epoch is higher
                run(new RestoreRound(this, request, g));
            }
        } else if (body instanceof Views.ListAll) {
            env.reply(request, new Views.Listing(catalog.list()));
        } else if (body instanceof Views.Get g) {
            Views.GlobalCheckpoint c = catalog.get(g.id());
            env.reply(request, c == null ? notFound(g.id()) : c);
        } else {
            env.reply(request, Rejection.badRequest("unknown request " + body.getClass().getSimpleName()));
        }
    }

    private Rejection notFound(String id) {
        return new Rejection(404, "no-such-checkpoint", "Not found", "no checkpoint " + id + " (GET /api/txn/checkpoints lists them)");
    }

    /** Why a new run must wait, or null; {@code restore}: a restore may supersede one still reaching a node. */
    private String busy(boolean restore) {
        if (running != null) return running + " is running; try again when it has answered";
        if (!restore) {
            for (InitiatorOp b : background) {
                if (b.holdsOthers()) return "a restore has not reached every node yet (" + b + "); restore again or wait";
            }
        }
        return null;
    }

    private void run(InitiatorOp op) {
        running = op;
        op.start();
    }

    @Override
    public void onMessage(NodeId from, Message m) {
        if (!nodes.contains(from)) return;
        if (running != null) running.onMessage(from, m);
        for (InitiatorOp b : List.copyOf(background)) b.onMessage(from, m);
    }

    @Override
    public void onTimer(Object timer) {
        if (!(timer instanceof Tick t)) return;
        if (running != null && running.id == t.op()) running.onTimer(t.kind());
        else for (InitiatorOp b : List.copyOf(background)) if (b.id == t.op()) b.onTimer(t.kind());
    }

    // ---------------------------------------------------------------- for the runs

    long nextOpId() {
        return ++opIds;
    }

    long number(String name) {
        return env.storage().get(P + name).map(Long::parseLong).orElse(0L);
    }

    /** The next value of counter {@code name}, on stable storage. */
    long next(String name) {
        long n = number(name) + 1;
        env.storage().put(P + name, Long.toString(n));
        return n;
    }

    void active(String what) {
        if (what == null) env.storage().remove(P + "active");
        else env.storage().put(P + "active", what);
    }

    /** The run has answered and goes on without holding the foreground. */
    void background(InitiatorOp op) {
        if (running == op) running = null;
        if (!background.contains(op)) background.add(op);
    }

    void finished(InitiatorOp op) {
        if (running == op) running = null;
        background.remove(op);
    }

    long clockMillis() {
        return env.clock().millis();
    }
}
