package dsys.kv.quorum;

import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.kv.quorum.QuorumMessages.Accept;
import dsys.kv.quorum.QuorumMessages.Accepted;
import dsys.kv.quorum.QuorumMessages.Commit;
import dsys.kv.quorum.QuorumMessages.DigestDiff;
import dsys.kv.quorum.QuorumMessages.DigestOffer;
import dsys.kv.quorum.QuorumMessages.Learn;
import dsys.kv.quorum.QuorumMessages.Prepare;
import dsys.kv.quorum.QuorumMessages.Promise;
import dsys.kv.quorum.QuorumMessages.Read;
import dsys.kv.quorum.QuorumMessages.ReadReply;
import dsys.kv.quorum.QuorumMessages.Want;

import java.nio.charset.StandardCharsets;

/**
 * One node's part of a quorum-replicated keyspace: its replica (when it holds one), the coordinator of the
 * client requests it receives, and anti-entropy with the other replicas. Every write and linearizable read
 * goes through the key's CASPaxos register, so plain puts, compare-and-set and deletes of a keyspace are
 * linearizable together; quorums are weighted votes (V_r to prepare or read, V_w to accept).
 */
public final class QuorumStore implements dsys.kv.mode.KvCore {

    public static final int MAX_KEY_BYTES = 1024;
    /** A value as stored: room for the REST limit of 1 MiB of body in base64 (4/3) with its content type. */
    public static final int MAX_VALUE_BYTES = 3 << 19;
    /** Crash points (chaos {@code POST /api/chaos/crash-points}): a proposer's accepts went out; its content is chosen. */
    public static final String CRASH_AFTER_ACCEPT_SENT = "kv-after-accept-sent";
    public static final String CRASH_BEFORE_COMMIT = "kv-before-commit";

    private final Env env;
    private final KeyspaceConfig config;
    private final Replica replica;
    private final QuorumCoordinator coordinator;
    private final AntiEntropy antiEntropy;
    private final ReplicaSurvey survey;
    private final RangeList listing;
    private final QuorumStats stats = new QuorumStats();

    public QuorumStore(Env env, KeyspaceConfig config, QuorumSettings settings) {
        this(env, config, settings, ChosenListener.NONE);
    }

    /** {@code listener} hears of every version this node learns is chosen (watchers). */
    public QuorumStore(Env env, KeyspaceConfig config, QuorumSettings settings, ChosenListener listener) {
        this.env = env;
        this.config = config;
        this.replica = config.isReplica(env.self()) ? new Replica(env, config, settings) : null;
        this.coordinator = new QuorumCoordinator(env, config, settings, replica, stats);
        TombstoneCollector tombstones = replica == null ? null
                : new TombstoneCollector(env, config, settings, replica, stats);
        this.antiEntropy = replica == null ? null
                : new AntiEntropy(env, config, settings, replica, coordinator, tombstones, stats, this::send);
        if (replica != null) replica.listener(listener);
        coordinator.listener(listener);
        this.survey = new ReplicaSurvey(env, config, settings, replica, this::send);
        this.listing = new RangeList(env, config, settings, replica, this::send);
    }

    @Override
    public void onStart() {
        if (replica != null) replica.load();
        coordinator.init();
        if (antiEntropy != null) antiEntropy.start();
    }

    /** Everything volatile is rebuilt from storage: the replica's states, its floor, the ballot reserve. */
    @Override
    public void onRecover() {
        onStart();
        env.emit("kv.recover", java.util.Map.of("keys", replica == null ? 0 : replica.size()));
    }

    @Override
    public void onRequest(RequestId request, Object body) {
        Rejection bad = validate(body);
        if (bad != null) {
            env.reply(request, bad);
            return;
        }
        if (body instanceof KvRequests.Get g) {
            coordinator.get(request, g.key(), g.level() == null ? ReadLevel.LINEARIZABLE : g.level());
        } else if (body instanceof KvRequests.Put p) {
            coordinator.change(request, p.key(), Change.put(p.value(), p.ifMatch()));
        } else if (body instanceof KvRequests.Delete d) {
            coordinator.change(request, d.key(), Change.delete(d.ifMatch()));
        } else if (body instanceof KvRequests.Lock || body instanceof KvRequests.LockDerived) {
            coordinator.change(request, lockKey(body), lockChange(body));
        } else if (body instanceof KvRequests.ReleaseThenLock rl) {
            coordinator.change(request, rl.key(), lockChange(rl.lock()).afterRelease(Change.release(rl.release().txn(), rl.release().commit())));
        } else if (body instanceof KvRequests.Release r) {
            coordinator.change(request, r.key(), Change.release(r.txn(), r.commit()));
        } else if (body instanceof KvRequests.Inspect i) {
            env.reply(request, new KvReplies.ReplicaView(env.self().value(), i.key(),
                    replica == null ? null : replica.state(i.key())));
        } else if (body instanceof KvRequests.Replicas r) {
            survey.start(request, r.key());
        } else if (body instanceof KeyPage.Request r) {
            listing.start(request, r);
        } else if (body instanceof KvRequests.Stats) {
            env.reply(request, stats.view());
        } else {
            env.reply(request, Rejection.badRequest("unknown request " + body.getClass().getSimpleName()));
        }
    }

    private static Change lockChange(Object lock) {
        if (lock instanceof KvRequests.Lock l) return Change.lock(new Versioned.Lock(l.txn(), l.kind(), l.intent()), l.ifMatch());
        KvRequests.LockDerived d = (KvRequests.LockDerived) lock;
        return Change.lockDerived(d.txn(), d.derivation(), d.ifMatch());
    }

    private static String lockKey(Object lock) {
        return lock instanceof KvRequests.Lock l ? l.key() : lock instanceof KvRequests.LockDerived l ? l.key() : null;
    }

    /** Why a client request is malformed (a 400 or 413), or null; every mode's core checks requests alike. */
    public static Rejection validate(Object body) {
        if (body instanceof KvRequests.ReleaseThenLock rl) {
            if (rl.release() == null || !java.util.Objects.equals(rl.release().key(), lockKey(rl.lock()))) {
                return Rejection.badRequest("a release and a lock in one round are of one key");
            }
            Rejection bad = validate(rl.release());
            return bad != null ? bad : validate(rl.lock());
        }
        String key;
        if (body instanceof KvRequests.Get g) key = g.key();
        else if (body instanceof KvRequests.Put p) key = p.key();
        else if (body instanceof KvRequests.Delete d) key = d.key();
        else if (body instanceof KvRequests.Lock l) key = l.key();
        else if (body instanceof KvRequests.LockDerived l) key = l.key();
        else if (body instanceof KvRequests.Release r) key = r.key();
        else if (body instanceof KvRequests.Inspect i) key = i.key();
        else if (body instanceof KvRequests.Replicas r) key = r.key();
        else if (body instanceof KeyPage.Request r) {
            return r.limit() >= 1 && r.limit() <= KeyPage.Request.MAX_LIMIT ? null
                    : Rejection.badRequest("limit must be within 1.." + KeyPage.Request.MAX_LIMIT + ", got " + r.limit());
        } else return null;
        if (key == null || key.isEmpty()) return Rejection.badRequest("the key must not be empty");
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            return Rejection.badRequest("the key is longer than " + MAX_KEY_BYTES + " bytes of UTF-8");
        }
        if (body instanceof KvRequests.Lock l) {
            if (badTxn(l.txn())) return Rejection.badRequest("a transaction id is 1 to 200 printable characters");
            if ("pdg".indexOf(l.kind()) < 0) return Rejection.badRequest("a lock is p (put), d (delete) or g (get), not " + l.kind());
            if (l.kind() == 'p' && l.intent() == null) return Rejection.badRequest("a put's lock needs the value it will write");
            if (l.intent() != null && l.intent().getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
                return new Rejection(413, "value-too-large", "Value too large", "the value is longer than " + MAX_VALUE_BYTES + " bytes");
            }
        }
        if (body instanceof KvRequests.LockDerived l && (badTxn(l.txn()) || l.derivation() == null)) {
            return Rejection.badRequest("a derived lock needs a transaction id of 1 to 200 printable characters and a derivation");
        }
        if (body instanceof KvRequests.Release r && badTxn(r.txn())) {
            return Rejection.badRequest("a transaction id is 1 to 200 printable characters");
        }
        if (body instanceof KvRequests.Put p) {
            if (p.value() == null) return Rejection.badRequest("a put needs a value (DELETE removes a key)");
            if (p.value().getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
                return new Rejection(413, "value-too-large", "Value too large",
                        "the value is longer than " + MAX_VALUE_BYTES + " bytes");
            }
        }
        return null;
    }

    private static boolean badTxn(String txn) {
        return txn == null || txn.isEmpty() || txn.length() > 200 || txn.chars().anyMatch(Character::isISOControl);
    }

    @Override
    public void onMessage(NodeId from, Message m) {
        if (m instanceof Promise p) coordinator.onReply(from, p.op(), p);
        else if (m instanceof Accepted a) coordinator.onReply(from, a.op(), a);
        else if (m instanceof ReadReply r && ReplicaSurvey.owns(r.op())) survey.onReply(from, r);
        else if (m instanceof ReadReply r) coordinator.onReply(from, r.op(), r);
        else if (m instanceof ListReply r) listing.onReply(from, r);
        else if (replica != null) toReplica(from, m);
    }

    private void toReplica(NodeId from, Message m) {
        if (m instanceof Prepare p) send(from, replica.onPrepare(p));
        else if (m instanceof Accept a) send(from, replica.onAccept(a));
        else if (m instanceof Read r) send(from, replica.onRead(r));
        else if (m instanceof ListRequest r) send(from, RangeList.answer(replica, r));
        else if (m instanceof Commit c) replica.onCommit(c);
        else if (m instanceof DigestOffer o) antiEntropy.onOffer(from, o);
        else if (m instanceof DigestDiff d) antiEntropy.onDiff(from, d);
        else if (m instanceof Want w) antiEntropy.onWant(from, w);
        else if (m instanceof Learn l) antiEntropy.onLearn(from, l);
    }

    @Override
    public void onTimer(Object timer) {
        if (timer instanceof QuorumCoordinator.OpTimer t) coordinator.onTimer(t);
        else if (timer instanceof QuorumCoordinator.LockCommitsDue) coordinator.onLockCommitsDue();
        else if (timer instanceof AntiEntropy.Tick && antiEntropy != null) antiEntropy.onTick();
        else if (timer instanceof ReplicaSurvey.Tick t) survey.onTimer(t);
        else if (timer instanceof RangeList.Tick t) listing.onTimer(t);
    }

    private void send(NodeId to, Message m) {
        stats.sent(m.type());
        env.send(to, m);
    }

    public KeyspaceConfig config() {
        return config;
    }

    /** This node's replica state of {@code key} (null when it holds no replica), for tests and views. */
    public AcceptorState replicaState(String key) {
        return replica == null ? null : replica.state(key);
    }

    /** A copy of every key this node's replica holds state for, in key order, with that state. */
    public java.util.SortedMap<String, AcceptorState> replicaEntries() {
        return replica == null ? java.util.Collections.emptySortedMap() : replica.snapshot();
    }

    /** Null, or how the replica's indexes disagree with its states (a bug; the simulations check it). */
    public String indexMismatch() {
        return replica == null ? null : replica.indexMismatch();
    }

    @Override
    public boolean holds(String key) {
        AcceptorState s = replicaState(key);
        return s != null && !s.accepted().zero();
    }

    /** Death certificates this node's replica holds (0 without a replica). */
    @Override
    public int tombstones() {
        return replica == null ? 0 : replica.tombstoneCount();
    }

    public QuorumStats.View stats() {
        return stats.view();
    }

    /** What a node's storage holds for {@code key} of {@code keyspace} (EMPTY when nothing): for tests and tools. */
    public static AcceptorState stored(dsys.core.env.Durable disk, String keyspace, String key) {
        return disk.get(new StorageCodec(keyspace).storageKey(key)).map(StorageCodec::decode).orElse(AcceptorState.EMPTY);
    }

    /** The highest promise of a tombstone the node's replica of {@code keyspace} collected (ZERO when none). */
    public static Ballot storedFloor(dsys.core.env.Durable disk, String keyspace) {
        return disk.get(new StorageCodec(keyspace).floorKey()).map(Ballot::parse).orElse(Ballot.ZERO);
    }
}
