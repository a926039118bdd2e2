package dsys.kv.chain;

import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.kv.chain.ChainMessages.Accept;
import dsys.kv.chain.ChainMessages.Accepted;
import dsys.kv.chain.ChainMessages.Beat;
import dsys.kv.chain.ChainMessages.CopyPage;
import dsys.kv.chain.ChainMessages.CopyRequest;
import dsys.kv.chain.ChainMessages.Decide;
import dsys.kv.chain.ChainMessages.Grant;
import dsys.kv.chain.ChainMessages.Inspect;
import dsys.kv.chain.ChainMessages.InspectReply;
import dsys.kv.chain.ChainMessages.JoinRequest;
import dsys.kv.chain.ChainMessages.ListDone;
import dsys.kv.chain.ChainMessages.ListForward;
import dsys.kv.chain.ChainMessages.MoveRequest;
import dsys.kv.chain.ChainMessages.Nack;
import dsys.kv.chain.ChainMessages.Prepare;
import dsys.kv.chain.ChainMessages.Promise;
import dsys.kv.chain.ChainMessages.ReadDone;
import dsys.kv.chain.ChainMessages.ReadForward;
import dsys.kv.chain.ChainMessages.Redirect;
import dsys.kv.chain.ChainMessages.Refused;
import dsys.kv.chain.ChainMessages.Update;
import dsys.kv.chain.ChainMessages.UpdateAck;
import dsys.kv.chain.ChainMessages.WriteDone;
import dsys.kv.chain.ChainMessages.WriteForward;
import dsys.kv.quorum.AcceptorState;
import dsys.kv.quorum.ChosenListener;
import dsys.kv.quorum.KeyPage;
import dsys.kv.quorum.KeyspaceConfig;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.KvRequests;
import dsys.kv.quorum.QuorumSettings;
import dsys.kv.quorum.QuorumStats;
import dsys.kv.quorum.QuorumStore;
import dsys.kv.quorum.ReadLevel;
import dsys.kv.quorum.Versioned;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One node's part of a chain-replicated keyspace (链式复制; van Renesse and Schneider): the replicas form a chain in
 * a view; writes enter at the head (链头), pass down the chain, each member storing them before passing them on, and
 * are acknowledged by the tail (链尾), so an acknowledged write is on every member's disk; linearizable reads are
 * answered by the tail. Any node takes any request and forwards it: writes to the head, reads and listings to the
 * tail ({@link ClientOps}).
 *
 * <ul>
 *   <li><b>Views and epochs.</b> A view is an epoch and the chain ({@link View}); epoch 0 is every replica. There is
 *   no outside master: the next view is chosen by a majority of the replicas, single-decree Paxos per epoch
 *   ({@link ViewAgreement}). Failure detection is heartbeats: each tick every replica sends every other one its
 *   view; a member silent for the suspicion time is suspected, and the first member this node does not suspect
 *   proposes. A promise seals the promiser's view (it serves nothing in it any more); the new chain is the old
 *   members that promised, in order, so a crashed head, middle node or tail is removed and every write ever
 *   acknowledged is at every new member.</li>
 *   <li><b>Writes</b> ({@link HeadWrites}): the head checks If-Match, gives the write the key's next version (a
 *   {@link dsys.kv.quorum.Ballot} whose counter grows per key, so ETags work) and the chain's next sequence number,
 *   and answers when the tail's acknowledgement comes back up ({@link ChainLink}). Deletes write death
 *   certificates, which are kept (a rejoining node copies them; versions keep growing past them).</li>
 *   <li><b>Reads</b> are answered by the tail only while it holds a read lease granted by a majority
 *   ({@link ReadLease}), for reads of its own epoch, once it holds everything the head held when the epoch began.
 *   A grantor promises no later epoch over a lease it granted unless that lease's tail promised too; a proposer
 *   waits out every other lease its promisers report, stretched by the drift bound ρ ({@link ChainTimings}). So
 *   two views with different tails never both answer reads, even across partitions.</li>
 *   <li><b>Rejoin</b> ({@link RejoinCopy}): a replica not in the view forgets its copy, copies the tail's keys, and
 *   is added at the tail by the next view if the tail it copied from is still the tail; that tail then sends it
 *   what changed during the copy before it serves.</li>
 * </ul>
 * <p><b>Primary-backup</b> ({@link #primaryBackup}, mode {@code pb}) is the same machinery in a star ({@link Shape}):
 * the first member of the view is the primary (主), which orders each write, sends it to every backup (备份) at once
 * and acknowledges it once all of them hold it (remote write, 远程写); it answers reads itself under the lease, but
 * only with writes every backup holds, since a new primary may lack the others. A new view makes the promiser that
 * holds the most the primary (backups hold prefixes of the primary's sequence), so a fail-over loses nothing
 * acknowledged. With {@code writeMode} local ({@link LocalWrite}, 本地写) the role moves to the node a write arrives at.
 *
 * <p>Requests of atomic commit ({@code Lock}, {@code LockDerived}, {@code Release}) are refused with 400: transactions
 * run on quorum keyspaces. A deadline passed is 503 when the request certainly had no effect, 504 when a write may
 * still be acknowledged.
 */
public final class ChainStore implements dsys.kv.mode.KvCore {

    /** The periodic tick: heartbeats, lease renewal, view changes, retransmissions, deadlines. */
    record Tick() {
    }

    private record Join(long copyEpoch, long at) {
    }

    private final Env env;
    private final KeyspaceConfig config;
    private final ChainTimings timings;
    private final String self;
    private final boolean isReplica;
    private final QuorumStats stats = new QuorumStats();
    private final ChainReplica replica;
    private final ViewAgreement agreement;
    private final ChainLink link;
    private final HeadWrites head;
    private final ReadLease lease;
    private final RejoinCopy copy;
    private final ClientOps ops;
    private final ChainSurvey survey;
    private final Shape shape;
    private final LocalWrite local;
    private final Map<String, Long> lastHeard = new HashMap<>();
    private final Map<String, Join> joins = new HashMap<>();
    private long startedAt;

    public ChainStore(Env env, KeyspaceConfig config, QuorumSettings settings, ChosenListener listener) {
        this(env, config, settings, listener, Shape.CHAIN);
    }

    /** The primary-backup mode's core: the same views with a star of links; {@code writeMode} remote or local. */
    public static ChainStore primaryBackup(Env env, KeyspaceConfig config, QuorumSettings settings, ChosenListener listener) {
        return new ChainStore(env, config, settings, listener, Shape.STAR);
    }

    private ChainStore(Env env, KeyspaceConfig config, QuorumSettings settings, ChosenListener listener, Shape shape) {
        this.env = env;
        this.config = config;
        this.shape = shape;
        this.timings = ChainTimings.from(settings);
        this.self = env.self().value();
        this.isReplica = config.isReplica(env.self());
        this.replica = new ChainReplica(env.storage(), config.name());
        this.agreement = new ViewAgreement(env, config, shape, replica::lastSeq, timings, this::send, this::entered);
        this.link = new ChainLink(self, shape, replica, timings, this::send, agreement::sealed, this::stable);
        this.head = new HeadWrites(env, replica, link, timings, config.name(), this::answer);
        this.lease = new ReadLease(timings, config.replicas().size() / 2 + 1);
        this.copy = new RejoinCopy(env, replica, agreement, timings, shape, config.name(), this::send);
        this.local = new LocalWrite(env, timings, agreement, link, replica, shape == Shape.STAR && isReplica
                && "local".equals(config.variant()), this::send);
        this.ops = new ClientOps(env, timings, stats, this::target, this::serve);
        this.survey = new ChainSurvey(env, config, timings, this::send);
        link.listener(listener);
    }

    @Override
    public void onStart() {
        replica.load();
        agreement.load();
        head.load();
        copy.load();
        ops.load(config.name());
        startedAt = env.nanoTime();
        lastHeard.clear();
        entered(agreement.view());
        env.after(Duration.ofMillis(timings.tickMs()), new Tick());
    }

    /** Everything volatile is rebuilt from disk; writes applied just before the crash are told to watchers again. */
    @Override
    public void onRecover() {
        onStart();
        link.recovered();
        env.emit("kv.recover", Map.of("keys", replica.size(), "view", agreement.view().toString()));
    }

    private void stable(long s) {
        head.stable(s);
    }

    private void entered(View v) {
        link.enter(v);
        local.entered(v);
        lease.reset(v.epoch());
        if (!v.head().equals(self)) head.notHead("the head changed (view " + v + ") before the tail acknowledged the write");
        ops.viewChanged();
        if (local.enabled() && v.head().equals(self)) ops.resend(self);
    }

    // ------------------------------------------------------------------ client requests

    @Override
    public void onRequest(RequestId request, Object body) {
        Rejection bad = QuorumStore.validate(body);
        if (bad != null) {
            env.reply(request, bad);
        } else if (body instanceof KvRequests.Get g) {
            ReadLevel level = g.level() == null ? ReadLevel.LINEARIZABLE : g.level();
            if (level == ReadLevel.ONE && isReplica) { // stale on purpose: this node's own copy
                Versioned c = replica.content(g.key());
                stats.operation("read-one", Map.of());
                env.reply(request, new KvReplies.Value(g.key(), c.value(), c.version(), level.label(), Map.of()));
            } else {
                ops.read(request, g, level.label());
            }
        } else if (body instanceof KvRequests.Put p) {
            ops.write(request, p.key(), p.value(), false, p.ifMatch());
        } else if (body instanceof KvRequests.Delete d) {
            ops.write(request, d.key(), null, true, d.ifMatch());
        } else if (KvRequests.transactional(body)) {
            env.reply(request, Rejection.badRequest("keyspace '" + config.name() + "' is " + (shape == Shape.STAR
                    ? "primary-backup" : "chain-replicated") + ": "
                    + "transactions (atomic commit's locks) run on quorum keyspaces"));
        } else if (body instanceof KvRequests.Inspect i) {
            env.reply(request, new KvReplies.ReplicaView(self, i.key(), isReplica ? state(i.key()) : null));
        } else if (body instanceof KvRequests.Replicas r) {
            survey.start(request, r.key(), isReplica ? inspect(new Inspect("", r.key())) : null);
        } else if (body instanceof KeyPage.Request r) {
            ops.list(request, r);
        } else if (body instanceof KvRequests.Stats) {
            env.reply(request, stats.view());
        } else {
            env.reply(request, Rejection.badRequest("unknown request " + body.getClass().getSimpleName()));
        }
    }

    /**
     * Where a forwarded request goes: writes to the head (local write: first to this node, which asks for the primary
     * role), reads and listings to the reader (tail or primary), of this node's view.
     */
    private String target(Message m) {
        View v = agreement.view();
        if (m instanceof WriteForward w) return local.here(w) ? self : v.head();
        return shape.reader(v);
    }

    /** A request forwarded to this node (or this node's own): served if this node is the head (tail) that can. */
    private void serve(String from, Message m) {
        View v = agreement.view();
        if (m instanceof WriteForward w) {
            if (v.head().equals(self) && !agreement.sealed()) {
                if (local.handingOver()) return; // dropped: the sender tries again at the next primary
                if (from.equals(self)) ops.takenHere(w.op());
                head.write(from, w);
            } else if (local.here(w) && from.equals(self)) {
                local.ask(); // the write waits here for the primary role, or goes to the head on a later attempt
            } else {
                redirect(from, w.op(), v);
            }
        } else if (m instanceof ReadForward r) {
            if (!servesReads()) {
                redirect(from, r.op(), v);
                return;
            }
            ChainReplica.Item item = replica.item(r.key());
            Versioned c = item == null ? Versioned.ABSENT : item.content();
            Object value = new KvReplies.Value(r.key(), c.value(), c.version(), ops.label(r.op()), Map.of());
            answerWhenStable(item == null ? 0 : item.seq(), r.op(), from, r.key(), value);
        } else if (m instanceof ListForward l) {
            if (servesReads()) answerWhenStable(replica.lastSeq(), l.op(), from, l.prefix(), page(l));
            else redirect(from, l.op(), v);
        }
    }

    /**
     * A read's answer, once what it read is at every member: at once on a chain's tail; a primary may hold writes its
     * backups do not have yet, which a new primary would not have either, so it answers only when they do.
     */
    private void answerWhenStable(long seq, String op, String to, String key, Object result) {
        if (seq <= link.stable()) answer(op, to, result);
        else head.whenStable(seq, op, to, key, result);
    }

    /** The reader of the view (tail or primary), not sealed, holding everything acknowledged before its epoch, under a lease. */
    private boolean servesReads() {
        View v = agreement.view();
        return isReplica && v != null && shape.reader(v).equals(self) && !agreement.sealed() && link.ready()
                && lease.holds(v.epoch(), env.nanoTime());
    }

    private void redirect(String to, String op, View v) {
        if (!to.equals(self)) send(to, new Redirect(op, v));
    }

    /** Answers operation {@code op} of node {@code to}: here directly, elsewhere by message. */
    private void answer(String op, String to, Object result) {
        if (to.equals(self)) {
            ops.answered(op, null, result);
            return;
        }
        if (result instanceof KvReplies.Written w) send(to, new WriteDone(op, w.key(), w.version(), w.deleted()));
        else if (result instanceof KvReplies.Value v) send(to, new ReadDone(op, v.key(), v.value(), v.version()));
        else if (result instanceof KeyPage p) send(to, new ListDone(op, p.keys(), p.next()));
        else if (result instanceof Rejection r) send(to, new Refused(op, r));
    }

    private KeyPage page(ListForward l) {
        String prefix = l.prefix() == null ? "" : l.prefix();
        String from = l.after() != null && l.after().compareTo(prefix) >= 0 ? l.after() : null;
        List<KeyPage.Key> keys = new ArrayList<>();
        String next = null;
        var range = from == null ? replica.after(null).tailMap(prefix, true) : replica.after(from);
        for (var e : range.entrySet()) {
            if (!e.getKey().startsWith(prefix)) break;
            Versioned c = e.getValue().content();
            if (!c.present()) continue;
            if (keys.size() == l.limit()) {
                next = keys.get(keys.size() - 1).key();
                break;
            }
            keys.add(new KeyPage.Key(e.getKey(), c.version(), c.value().length()));
        }
        return new KeyPage(keys, next, Map.of());
    }

    // ------------------------------------------------------------------ messages

    @Override
    public void onMessage(NodeId sender, Message m) {
        String from = sender.value();
        lastHeard.put(from, env.nanoTime());
        if (m instanceof Beat b) onBeat(from, b);
        else if (m instanceof Grant g) lease.granted(from, g.epoch(), g.round());
        else if (m instanceof Update u) link.onUpdate(from, u);
        else if (m instanceof UpdateAck a) link.onAck(from, a);
        else if (m instanceof WriteForward || m instanceof ReadForward || m instanceof ListForward) serve(from, m);
        else if (m instanceof WriteDone w) ops.answered(w.op(), w, new KvReplies.Written(w.key(), w.version(), w.deleted(), Map.of()));
        else if (m instanceof ReadDone r) ops.answered(r.op(), r, new KvReplies.Value(r.key(), r.value(), r.version(), ops.label(r.op()), Map.of()));
        else if (m instanceof ListDone l) ops.answered(l.op(), l, new KeyPage(l.keys(), l.next(), Map.of()));
        else if (m instanceof Refused r) ops.answered(r.op(), r, r.rejection());
        else if (m instanceof Redirect r) {
            agreement.learn(r.view());
            ops.redirected(r.op(), r);
        } else if (m instanceof Promise p) agreement.onPromise(from, p);
        else if (m instanceof Accepted a) agreement.onAccepted(from, a);
        else if (m instanceof Nack n) agreement.onNack(from, n);
        else if (m instanceof Decide d) agreement.learn(d.view());
        else if (m instanceof InspectReply r) survey.onReply(from, r);
        else if (isReplica) toReplica(from, m);
    }

    private void toReplica(String from, Message m) {
        if (m instanceof Prepare p) agreement.onPrepare(from, p);
        else if (m instanceof Accept a) agreement.onAccept(from, a);
        else if (m instanceof JoinRequest j) joins.put(from, new Join(j.copyEpoch(), env.nanoTime()));
        else if (m instanceof CopyRequest r) {
            View v = agreement.view();
            if (r.epoch() == v.epoch() && shape.reader(v).equals(self) && !agreement.sealed() && link.ready()) {
                send(from, RejoinCopy.page(replica, timings, r));
            }
        } else if (m instanceof CopyPage p) copy.onPage(from, p);
        else if (m instanceof MoveRequest r) local.onRequest(from, r);
        else if (m instanceof Inspect i) send(from, inspect(i));
    }

    /** A heartbeat: a newer view is adopted; a tail's lease request is granted if this node may. */
    private void onBeat(String from, Beat b) {
        agreement.learn(b.view());
        if (b.leaseRound() > 0 && isReplica && shape.reader(b.view()).equals(from) && agreement.grant(from, b.view().epoch())) {
            send(from, new Grant(b.view().epoch(), b.leaseRound()));
        }
    }

    @Override
    public void onTimer(Object timer) {
        if (!(timer instanceof Tick)) return;
        if (isReplica) {
            beat();
            agreement.tick(wantsNewView(), this::suspected);
            link.tick();
            local.tick();
            copy.tick();
            head.expire();
        }
        ops.tick();
        survey.tick();
        env.after(Duration.ofMillis(timings.tickMs()), timer);
    }

    private void beat() {
        View v = agreement.view();
        long round = 0;
        if (shape.reader(v).equals(self) && !agreement.sealed()) {
            round = lease.ask(v.epoch(), env.nanoTime());
            if (agreement.grant(self, v.epoch())) lease.granted(self, v.epoch(), round);
        }
        for (NodeId r : config.replicas()) if (!r.equals(env.self())) send(r.value(), new Beat(v, round));
    }

    /** This node is the first member it does not suspect, and a member is suspected or a copied node waits to join. */
    private boolean wantsNewView() {
        View v = agreement.view();
        if (!v.has(self)) return false;
        String first = v.chain().stream().filter(m -> m.equals(self) || !suspected(m)).findFirst().orElse(self);
        if (!first.equals(self)) return false;
        boolean suspect = v.chain().stream().anyMatch(this::suspected) || agreement.moving();
        long now = env.nanoTime();
        boolean joiner = joins.entrySet().stream().anyMatch(e -> !v.has(e.getKey())
                && e.getValue().copyEpoch() == v.epoch() && now - e.getValue().at() < timings.ms(3 * timings.tickMs()));
        return suspect || joiner;
    }

    private boolean suspected(String node) {
        if (node.equals(self)) return false;
        return env.nanoTime() - lastHeard.getOrDefault(node, startedAt) > timings.ms(timings.suspectMs());
    }

    private void send(String to, Message m) {
        stats.sent(m.type());
        if (to.equals(self)) onMessage(env.self(), m);
        else env.send(NodeId.of(to), m);
    }

    private InspectReply inspect(Inspect i) {
        ChainReplica.Item item = replica.item(i.key());
        Versioned c = item == null ? Versioned.ABSENT : item.content();
        return new InspectReply(i.op(), i.key(), c.version(), item != null && item.seq() <= link.stable(), c);
    }

    private AcceptorState state(String key) {
        InspectReply r = inspect(new Inspect("", key));
        return new AcceptorState(r.version(), r.version(), r.acked(), r.content());
    }

    // ------------------------------------------------------------------ views for the host and tests

    @Override
    public boolean holds(String key) {
        Versioned c = isReplica ? replica.content(key) : Versioned.ABSENT;
        return c.present() || c.tombstone();
    }

    @Override
    public int tombstones() {
        return isReplica ? replica.tombstones() : 0;
    }

    public KeyspaceConfig config() {
        return config;
    }

    /** The view this node last learned was decided. */
    public View view() {
        return agreement.view();
    }

    @Override
    public java.util.Map<String, Object> roles() {
        View v = view();
        if (v == null) return java.util.Map.of();
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("epoch", v.epoch());
        if (shape == Shape.STAR) {
            m.put("primary", v.head());
            m.put("backups", v.chain().subList(1, v.chain().size()));
        } else {
            m.put("chain", v.chain());
            m.put("head", v.head());
            m.put("tail", v.tail());
        }
        m.put("servingReads", servingReads());
        return m;
    }

    /** Whether this node answers linearizable reads right now (the tail or primary, ready, under a lease). */
    public boolean servingReads() {
        return servesReads();
    }

    public QuorumStats.View stats() {
        return stats.view();
    }

    /** The version {@code disk} holds for {@code key} of chain keyspace {@code keyspace} (ZERO: nothing), for tests. */
    public static dsys.kv.quorum.Ballot storedVersion(dsys.core.env.Durable disk, String keyspace, String key) {
        ChainReplica.Item i = ChainReplica.stored(disk, keyspace, key);
        return i == null ? dsys.kv.quorum.Ballot.ZERO : i.content().version();
    }

    /** The view {@code disk} records as decided (null: none yet, epoch 0), for tests. */
    public static View storedView(dsys.core.env.Durable disk, String keyspace) {
        return disk.get(ChainReplica.prefix(keyspace) + "view").map(View::parse).orElse(null);
    }

    /** Each key this node holds, with its content (value or death certificate), for tests. */
    public java.util.SortedMap<String, Versioned> entries() {
        java.util.SortedMap<String, Versioned> out = new java.util.TreeMap<>();
        replica.after(null).forEach((k, i) -> out.put(k, i.content()));
        return out;
    }
}
