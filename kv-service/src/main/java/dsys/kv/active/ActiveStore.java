package dsys.kv.active;

import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.multicast.LamportTotalOrder;
import dsys.core.multicast.MulticastTiming;
import dsys.core.node.NodeId;
import dsys.kv.mode.Forwarding;
import dsys.kv.mode.Forwarding.ForwardGet;
import dsys.kv.mode.Forwarding.ForwardList;
import dsys.kv.mode.Forwarding.ForwardWrite;
import dsys.kv.mode.Forwarding.Forwarded;
import dsys.kv.mode.KvCore;
import dsys.kv.mode.StateSurvey;
import dsys.kv.mode.StateSurvey.Peek;
import dsys.kv.mode.StateSurvey.PeekReply;
import dsys.kv.quorum.ChosenListener;
import dsys.kv.quorum.KeyPage;
import dsys.kv.quorum.KeyspaceConfig;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.KvRequests;
import dsys.kv.quorum.QuorumSettings;
import dsys.kv.quorum.QuorumStats;
import dsys.kv.quorum.QuorumStore;
import dsys.kv.quorum.Versioned;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One node's part of an actively replicated keyspace (the notes' 主动复制, §4.3.2.2.1): every replica is a state
 * machine that applies the same write operations in one total order ({@link WriteOrder}), chosen by the keyspace's
 * {@code sequencer}: {@code lamport}, Lamport's totally ordered multicast (全序组播, §5.2; {@link LamportTotalOrder},
 * embedded here), or {@code kafka}, one partition of a persistent log ({@link LogOrder}). A replica that takes a
 * write puts it in the order; every replica applies each delivered write deterministically ({@link ActiveReplica}:
 * If-Match is judged at the write's place in the order, so a compare-and-set wins or loses identically everywhere)
 * and stores the result; the replica that took it answers the client once it has delivered and applied it itself
 * (Written, or 412). Reads and listings are answered from the local replica: each replica's state is a prefix of
 * the same sequence, so the store is sequentially consistent, not linearizable (a read elsewhere right after a
 * write may be stale). A node holding no replica forwards to a replica ({@link ToReplica}). A version is the
 * write's (Lamport time or offset + 1, origin) as a {@link dsys.kv.quorum.Ballot}, bumped when needed so that each
 * key's versions grow along the order.
 *
 * <p>Limitation of Lamport's algorithm (the {@code kafka} sequencer has not got it: a replica that was down reads
 * on from its offset while the others go on; it has the log's availability instead, 503 while the log is down): a
 * message is delivered only once every replica has acknowledged it, so while one replica is down or cut off nobody
 * delivers, and writes time out: 504 (the write is in the order and may still be applied once the replica is back;
 * 503 only for reads and listings, which certainly did nothing).
 * Atomic commit's locks are refused with 400: transactions run on quorum keyspaces.
 */
public final class ActiveStore implements KvCore {

    /** The periodic check of deadlines and forwarding retries. */
    record Tick() {
    }

    /** A write this replica multicast: answered to its client, or to the node that forwarded it. */
    private record Pending(RequestId request, NodeId forwarder, String key, long deadline) {
    }

    /** The sequencer variant of a log partition (Kafka live). */
    public static final String KAFKA = "kafka";

    /** Forwarded writes' answers kept to answer a repeat (its earlier answer was lost). */
    private static final int ANSWERED = 1024;

    private final Env env;
    private final KeyspaceConfig config;
    private final QuorumSettings settings;
    private final ChosenListener listener;
    private final QuorumStats stats = new QuorumStats();
    private final ActiveReplica replica;
    private final WriteOrder order;
    private final ToReplica forwarder;
    private final StateSurvey survey;
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final Map<String, Forwarded> answered = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Forwarded> eldest) {
            return size() > ANSWERED;
        }
    };

    public ActiveStore(Env env, KeyspaceConfig config, QuorumSettings settings, ChosenListener listener) {
        this(env, config, settings, listener, SequencerLog.of(env, config.name()));
    }

    /** With {@code log} as the sequencer of a keyspace whose sequencer is {@code kafka} (unused by the others). */
    public ActiveStore(Env env, KeyspaceConfig config, QuorumSettings settings, ChosenListener listener, SequencerLog log) {
        this.env = env;
        this.config = config;
        this.settings = settings;
        this.listener = listener;
        boolean isReplica = config.isReplica(env.self());
        this.replica = isReplica ? new ActiveReplica(env.storage(), config.name()) : null;
        MulticastTiming timing = new MulticastTiming(Duration.ofMillis(settings.retryMs()),
                Duration.ofMillis(settings.backoffMs()), Duration.ofMinutes(1));
        WriteOrder.Sink sink = new Applier();
        this.order = !isReplica ? null
                : KAFKA.equals(config.variant()) ? new LogOrder(env, config.name(), log, sink, stats)
                : new LamportOrder(countingEnv(env), config.replicas(), timing, ActiveReplica.prefix(config.name()) + "lto.",
                sink);
        this.forwarder = new ToReplica(env, config.replicas(), settings.deadlineMs(), stats, this::send);
        this.survey = new StateSurvey(env, config, settings, this::send);
    }

    /** The multicast's messages counted like this core's own. */
    private dsys.core.env.ForwardingEnv countingEnv(Env env) {
        return new dsys.core.env.ForwardingEnv(env) {
            @Override
            public void send(NodeId to, Message m) {
                stats.sent(m.type());
                super.send(to, m);
            }
        };
    }

    @Override
    public void onStart() {
        pending.clear();
        if (replica != null) {
            replica.load();
            order.start();
        }
        env.after(Duration.ofMillis(settings.retryMs()), new Tick());
    }

    @Override
    public void onRecover() {
        onStart();
        env.emit("kv.recover", Map.of("keys", replica == null ? 0 : replica.items().size(),
                "applied", replica == null ? 0 : replica.applied()));
    }

    @Override
    public void onRequest(RequestId request, Object body) {
        if (order != null && order.onInput(body)) {
            env.reply(request, Boolean.TRUE); // taken (the log's reader waits for that)
            return;
        }
        Rejection bad = QuorumStore.validate(body);
        if (bad != null) {
            env.reply(request, bad);
        } else if (KvRequests.transactional(body)) {
            env.reply(request, Rejection.badRequest("keyspace '" + config.name() + "' is actively replicated: "
                    + "transactions (atomic commit's locks) run on quorum keyspaces"));
        } else if (body instanceof KvRequests.Inspect i) {
            env.reply(request, new KvReplies.ReplicaView(env.self().value(), i.key(),
                    replica == null ? null : replica.state(i.key())));
        } else if (body instanceof KvRequests.Replicas r) {
            survey.start(request, r.key(), replica == null ? null : replica.state(r.key()));
        } else if (body instanceof KvRequests.Stats) {
            env.reply(request, stats());
        } else if (body instanceof KvRequests.Get || body instanceof KeyPage.Request) {
            if (replica == null) {
                forwarder.start(request, body);
            } else {
                stats.operation(KvCore.operation(body), Map.of());
                env.reply(request, read(body));
            }
        } else if (body instanceof KvRequests.Put p) {
            write(request, null, new WriteOp(opId(), p.key(), false, p.ifMatch(), p.value()), body);
        } else if (body instanceof KvRequests.Delete d) {
            write(request, null, new WriteOp(opId(), d.key(), true, d.ifMatch(), null), body);
        } else {
            env.reply(request, Rejection.badRequest("unknown request " + body.getClass().getSimpleName()));
        }
    }

    private String opId() {
        return env.self().value() + ":w:" + Long.toHexString(env.random().nextLong());
    }

    /** A write taken here: multicast by a replica; a node without one forwards it. */
    private void write(RequestId request, NodeId forwarder, WriteOp w, Object body) {
        if (replica == null) {
            this.forwarder.start(request, body);
            return;
        }
        if (request != null) stats.operation(KvCore.operation(body), Map.of());
        pending.put(w.op(), new Pending(request, forwarder, w.key(), env.nanoTime() + settings.deadlineMs() * 1_000_000L));
        order.submit(w); // may deliver or refuse at once: pending is in place first
    }

    /** A read or listing from this replica's own state (a prefix of the common sequence). */
    private Object read(Object body) {
        if (body instanceof KvRequests.Get g) {
            Versioned c = replica.content(g.key());
            return new KvReplies.Value(g.key(), c.value(), c.version(), "sequential", Map.of());
        }
        return replica.list((KeyPage.Request) body);
    }

    /** The total order's writes, handed in order: applied here like at every replica; answered if taken here. */
    private final class Applier implements WriteOrder.Sink {
        @Override
        public Object apply(WriteOp w, long ts, String origin) {
            ActiveReplica.Applied a = replica.apply(w, ts, origin);
            if (a.changed() != null) listener.chosen(w.key(), a.changed());
            stats.count(a.refused() ? "writes.refused" : "writes.applied");
            answer(w.op(), origin, a.reply());
            return a.reply();
        }

        @Override
        public void again(WriteOp w, String origin, String outcome) {
            answer(w.op(), origin, replica.replyFor(w, outcome));
        }

        @Override
        public void refused(String op, boolean maybeOrdered, String reason) {
            Pending p = pending.remove(op);
            if (p == null) return;
            stats.count("writes.refused-by-sequencer");
            String detail = "the sequencer did not take the write: " + reason;
            Rejection r = maybeOrdered ? KvReplies.outcomeUnknown(p.key(), detail + " (it may still be applied)")
                    : new Rejection(503, "sequencer-unavailable", "Sequencer unavailable", "'" + p.key() + "': " + detail
                    + "; nothing was applied: retry");
            if (p.request() != null) env.reply(p.request(), r);
            else send(p.forwarder(), Forwarding.answer(op, r));
        }
    }

    private void answer(String op, String origin, Object reply) {
        Pending p = origin.equals(env.self().value()) ? pending.remove(op) : null;
        if (p == null) return;
        if (p.request() != null) {
            env.reply(p.request(), reply);
        } else {
            Forwarded f = Forwarding.answer(op, reply);
            answered.put(op, f);
            send(p.forwarder(), f);
        }
    }

    @Override
    public void onMessage(NodeId from, Message m) {
        if (m instanceof Forwarded f) forwarder.onReply(f);
        else if (m instanceof PeekReply r) survey.onReply(from, r);
        else if (replica == null) return; // replica traffic reaching a node without one
        else if (m instanceof Peek p) survey.answer(from, p, replica.state(p.key()));
        else if (m instanceof ForwardGet g) answerRead(from, g.op(), new KvRequests.Get(g.key(), null));
        else if (m instanceof ForwardList l) answerRead(from, l.op(), new KeyPage.Request(l.prefix(), l.after(), l.limit()));
        else if (m instanceof ForwardWrite w) forwardedWrite(from, w);
        else order.onMessage(from, m);
    }

    private void answerRead(NodeId from, String op, Object body) {
        Rejection bad = QuorumStore.validate(body);
        send(from, Forwarding.answer(op, bad != null ? bad : read(body)));
    }

    /** A forwarded write: multicast once per operation id; a repeat waits for it or gets its answer again. */
    private void forwardedWrite(NodeId from, ForwardWrite m) {
        Object body = m.delete() ? new KvRequests.Delete(m.key(), m.ifMatch()) : new KvRequests.Put(m.key(), m.value(), m.ifMatch());
        Rejection bad = QuorumStore.validate(body);
        if (bad != null) send(from, Forwarding.answer(m.op(), bad));
        else if (answered.containsKey(m.op())) send(from, answered.get(m.op()));
        else if (!pending.containsKey(m.op())) write(null, from, new WriteOp(m.op(), m.key(), m.delete(), m.ifMatch(), m.value()), body);
    }

    @Override
    public void onTimer(Object timer) {
        if (timer instanceof Tick) {
            expire();
            forwarder.tick();
            env.after(Duration.ofMillis(settings.retryMs()), timer);
        } else if (timer instanceof StateSurvey.Tick t) {
            survey.onTimer(t);
        } else if (order != null) {
            order.onTimer(timer);
        }
    }

    /** Writes not delivered by their deadline: 504, since they are in the order and may still be applied. */
    private void expire() {
        for (Map.Entry<String, Pending> e : new ArrayList<>(pending.entrySet())) {
            Pending p = e.getValue();
            if (env.nanoTime() - p.deadline() < 0) continue;
            pending.remove(e.getKey());
            stats.count("writes.timed-out");
            if (p.request() != null) {
                env.reply(p.request(), KvReplies.outcomeUnknown(p.key(), "not delivered in the total order in time "
                        + (order instanceof LogOrder ? "(the sequencer's log may be slow or down, or this replica behind)"
                        : "(every replica of " + config.replicas() + " must acknowledge it; one may be down)")));
            }
        }
    }

    private void send(NodeId to, Message m) {
        stats.sent(m.type());
        env.send(to, m);
    }

    @Override
    public boolean holds(String key) {
        return replica != null && replica.holds(key);
    }

    @Override
    public int tombstones() {
        return replica == null ? 0 : replica.tombstones();
    }

    public QuorumStats.View stats() {
        if (order != null) order.gauges(stats);
        return stats.view();
    }

    public KeyspaceConfig config() {
        return config;
    }

    /** What {@code disk} holds for active keyspace {@code keyspace}, key → content (deaths included); for tests. */
    public static java.util.SortedMap<String, Versioned> stored(dsys.core.env.Durable disk, String keyspace) {
        return ActiveReplica.stored(disk, keyspace);
    }

    /** The storage key where a replica records how many writes it applied and the last one; for tests. */
    public static String appliedKey(String keyspace) {
        return ActiveReplica.appliedKey(keyspace);
    }

    /** The storage key where a replica of a keyspace sequenced by a log records the last offset it handled; for tests. */
    public static String offsetKey(String keyspace) {
        return LogOrder.offsetKey(keyspace);
    }
}
