package dsys.core.checkpoint.live;

import dsys.core.checkpoint.live.Control.ControlMessage;
import dsys.core.checkpoint.live.Control.RestoreDone;
import dsys.core.checkpoint.live.Control.RestoreOrder;
import dsys.core.checkpoint.live.Control.RestorePrepare;
import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Any core, checkpointed: a decorator that takes part in the three algorithms on the wrapped core's behalf, driven
 * by a {@link CheckpointInitiator}. The wrapped core's state is its stable storage (the {@link ParticipantConfig#scope}):
 * a local checkpoint is a copy of it; a restore puts a copy back and builds the core anew, as after a crash
 * ({@code onRecover}), then delivers the recorded channel messages again (snapshots). Its sends are wrapped in
 * {@link Stamped} (restore epoch, snapshot colour, channel number, independent interval); that, a map lookup or two
 * per message and nothing on disk, is all it costs while no checkpoint runs.
 * <ul>
 *   <li>Snapshots ({@link SnapshotSide}): Chandy–Lamport's cut on channels that lose, duplicate and reorder, by
 *   Lai–Yang colours instead of FIFO markers.</li>
 *   <li>Coordinated checkpoints ({@link BlockingSide}): the two-phase blocking protocol.</li>
 *   <li>Independent checkpoints ({@link IntervalSide}): on the node's own schedule, with dependency records.</li>
 * </ul>
 * Messages of an older epoch (from before a restore) are dropped; those of a newer one (from a node already
 * restored) wait until this node's own restore order comes.
 */
public final class CheckpointedCore implements Core {

    /** Crash point: the tentative checkpoint of a coordinated round is on disk, its acknowledgement not sent. */
    public static final String AFTER_TENTATIVE = "ckpt-after-tentative";
    static final int MAX_AHEAD = 10_000;

    private record Ahead(NodeId from, Stamped message) {
    }

    final Env env;
    final ParticipantConfig config;
    private final Function<Env, Core> factory;
    final LocalCheckpoints store;
    final SnapshotSide snapshots;
    final BlockingSide blocking;
    final IntervalSide intervals;
    private Core inner;
    private long generation;
    private long epoch;
    /** Requests the wrapped core has not answered: a restore answers them (lookups only, never iterated in order). */
    private final Set<RequestId> pending = new HashSet<>();
    private final List<Ahead> ahead = new ArrayList<>();
    private RestoreDone lastRestore;

    /** {@code factory} builds the wrapped core, at start and again at every restore. */
    public CheckpointedCore(Env env, ParticipantConfig config, Function<Env, Core> factory) {
        this.env = env;
        this.config = config;
        this.factory = factory;
        this.store = new LocalCheckpoints(env.storage(), env.self().value(), config.prefix(), config.scope(), config.codec());
        this.snapshots = new SnapshotSide(this);
        this.blocking = new BlockingSide(this);
        this.intervals = new IntervalSide(this);
    }

    /** The wrapped core as it is now (a restore replaces it). */
    public Core inner() {
        return inner;
    }

    public long epoch() {
        return epoch;
    }

    /** Whether a coordinated round holds this node's sends back (views and tests). */
    public boolean sendingBlocked() {
        return blocking.blocked();
    }

    @Override
    public void onStart() {
        boot(false);
    }

    @Override
    public void onRecover() {
        boot(true);
    }

    private void boot(boolean recovering) {
        epoch = store.numberOr("epoch", 0);
        long boots = store.numberOr("boots", 0) + 1;
        store.setNumber("boots", boots);
        snapshots.load(boots);
        blocking.load();
        intervals.load();
        inner = factory.apply(new InnerEnv(this, ++generation));
        if (recovering) inner.onRecover();
        else inner.onStart();
        intervals.start(); // the first base after the wrapped core's first start: its initial state
    }

    @Override
    public void onRequest(RequestId request, Object body) {
        if (body instanceof Views.CheckpointNow) {
            env.reply(request, intervals.take("asked").summary());
            return;
        }
        pending.add(request);
        inner.onRequest(request, body);
    }

    @Override
    public void onMessage(NodeId from, Message m) {
        if (m instanceof Stamped s) arrive(from, s);
        else if (m instanceof ControlMessage c) {
            if (from.equals(config.initiator())) control(c);
        } else inner.onMessage(from, m); // from a node that does not stamp: nothing to count, nothing to record
    }

    private void arrive(NodeId from, Stamped s) {
        if (s.epoch() != epoch) {
            if (s.epoch() > epoch && ahead.size() < MAX_AHEAD) ahead.add(new Ahead(from, s));
            return;
        }
        snapshots.arrive(from, s); // records this node's state first if the message is of a newer snapshot
        intervals.received(from, s.interval());
        inner.onMessage(from, s.inner());
    }

    private void control(ControlMessage c) {
        if (c instanceof Control.SnapshotMarker m) snapshots.onMarker(m);
        else if (c instanceof Control.ChannelCounts m) snapshots.onCounts(m);
        else if (c instanceof Control.SnapshotClose m) snapshots.onClose(m);
        else if (c instanceof Control.CheckpointRequest m) blocking.onRequest(m);
        else if (c instanceof Control.CheckpointDone m) blocking.onDone(m);
        else if (c instanceof Control.CheckpointsQuery m) intervals.onQuery(m);
        else if (c instanceof RestorePrepare m) toInitiator(new Control.RestoreReady(m.id(), m.local(), unusable(m.local())));
        else if (c instanceof RestoreOrder m) restore(m);
    }

    @Override
    public void onTimer(Object timer) {
        if (timer instanceof InnerEnv.InnerTimer t) {
            if (t.generation() == generation) inner.onTimer(t.timer());
        } else if (timer instanceof IntervalSide.Tick) {
            intervals.onTick();
        } else if (timer instanceof BlockingSide.Limit l) {
            blocking.onLimit(l);
        }
    }

    // ---------------------------------------------------------------- the wrapped core's side (InnerEnv)

    void send(long gen, NodeId to, Message m) {
        if (gen != generation || blocking.hold(to, m)) return;
        release(to, m);
    }

    /** Sends now, stamped as of now (also what a coordinated round held back, once it lets go). */
    void release(NodeId to, Message m) {
        env.send(to, new Stamped(epoch, snapshots.color(), snapshots.nextSeq(to), intervals.interval(), m));
    }

    void reply(long gen, RequestId request, Object result) {
        pending.remove(request);
        if (gen == generation) env.reply(request, result);
    }

    void toInitiator(Message m) {
        env.send(config.initiator(), m);
    }

    String self() {
        return env.self().value();
    }

    /** Deletes the oldest local checkpoints of {@code kind} that {@code counted} beyond the newest {@code keep}. */
    void trim(char kind, java.util.function.Predicate<LocalMeta> counted) {
        List<LocalMeta> all = store.metas(kind).stream().filter(counted).toList();
        for (int i = 0; i < all.size() - config.keep(); i++) store.delete(all.get(i).local());
    }

    // ---------------------------------------------------------------- restore

    /** Null when local checkpoint {@code local} can be restored here, else why not. */
    private String unusable(String local) {
        LocalMeta m = store.meta(local).orElse(null);
        if (m == null) return self() + " has no checkpoint " + local;
        if (!m.summary().stored()) return self() + " kept only the dependency record of " + local + ", not its data";
        if (m.status().equals("recording")) return self() + " never finished recording " + local;
        return null;
    }

    /**
     * Like a crash of the wrapped core at the checkpoint: requests it owes an answer get a 503, its timers stop, what
     * it held back is dropped; its storage becomes the checkpoint's, a new one recovers from it and gets the recorded
     * channel messages, and this node runs in the new epoch.
     */
    private void restore(RestoreOrder o) {
        if (o.epoch() <= epoch) {
            if (lastRestore != null && lastRestore.epoch() == o.epoch()) toInitiator(lastRestore);
            return;
        }
        String missing = unusable(o.local());
        if (missing != null) {
            toInitiator(new RestoreDone(o.id(), o.epoch(), null, missing));
            return;
        }
        store.meta(o.local()).filter(m -> m.status().equals("tentative")) // its round committed: the initiator lists it
                .ifPresent(m -> store.put(m.withStatus("permanent")));
        env.emit("checkpoint.restore", Map.of("checkpoint", o.id(), "local", o.local(), "epoch", o.epoch()));
        generation++;
        for (RequestId r : pending) {
            env.reply(r, new Rejection(503, "rolled-back", "Rolled back", env.self() + " was restored to checkpoint "
                    + o.id() + " before it answered; the request may or may not have taken effect before that"));
        }
        pending.clear();
        blocking.reset();
        snapshots.reset();
        LocalCheckpoints.Restored st = store.restore(o.local(), config.filter());
        epoch = o.epoch();
        store.setNumber("epoch", epoch);
        inner = factory.apply(new InnerEnv(this, generation));
        inner.onRecover();
        int redelivered = 0, filtered = st.filtered();
        for (Arrival a : store.channel(o.local())) {
            Message m = config.filter().message(a.message());
            if (m != a.message()) filtered++;
            if (m == null) continue;
            inner.onMessage(a.node(), m);
            redelivered++;
        }
        intervals.restarted();
        lastRestore = new RestoreDone(o.id(), epoch, new Views.RestoredPart(self(), o.local(), st.entries(), st.digest(),
                redelivered, filtered), null);
        toInitiator(lastRestore);
        env.emit("checkpoint.restored", Map.of("checkpoint", o.id(), "epoch", epoch, "entries", st.entries(),
                "redelivered", redelivered, "filtered", filtered));
        List<Ahead> early = new ArrayList<>(ahead);
        ahead.clear();
        for (Ahead a : early) if (a.message().epoch() == epoch) arrive(a.from(), a.message());
    }
}
