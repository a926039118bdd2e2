package dsys.kv.eventual;

import dsys.core.env.Env;
import dsys.core.env.ForwardingEnv;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.epidemic.EpidemicSettings;
import dsys.core.epidemic.Exchange;
import dsys.core.message.Message;
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
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.ChosenListener;
import dsys.kv.quorum.KeyPage;
import dsys.kv.quorum.KeyspaceConfig;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.KvRequests;
import dsys.kv.quorum.QuorumSettings;
import dsys.kv.quorum.QuorumStats;
import dsys.kv.quorum.QuorumStore;

import java.util.Map;

/**
 * One node's part of an eventual keyspace. A replica answers reads, writes and listings from its own replica at
 * once (a write is stored before it is acknowledged, then spreads by rumor mongering and anti-entropy); a node
 * holding no replica forwards them to one ({@link Forwarder}). Every read level reads one replica. Atomic commit's
 * locks are refused: transactions need the quorum mode's linearizable registers. The replies are the quorum mode's,
 * so the REST API, ETags (a version is the write's (Lamport time, node)), watchers and {@code /replicas} work as
 * they are.
 */
public final class EventualStore implements KvCore {

    private final Env env;
    private final QuorumStats stats = new QuorumStats();
    private final EventualReplica replica;
    private final Forwarder forwarder;
    private final StateSurvey peeks;
    private final SessionGuard sessions;

    public EventualStore(Env env, KeyspaceConfig config, QuorumSettings settings, ChosenListener listener) {
        this.env = new ForwardingEnv(env) {
            @Override
            public void send(NodeId to, Message m) {
                stats.sent(m.type());
                super.send(to, m);
            }
        };
        this.replica = config.isReplica(env.self())
                ? new EventualReplica(this.env, config, epidemicSettings(settings), listener) : null;
        this.forwarder = new Forwarder(this.env, config, settings, this.env::send, stats::operation);
        this.peeks = new StateSurvey(this.env, config, settings, this.env::send);
        this.sessions = replica == null ? null : new SessionGuard(this.env, replica::version, (r, body) -> {
            stats.operation(KvCore.operation(body), Map.of());
            this.env.reply(r, replica.serve(body));
        }, settings.deadlineMs());
    }

    /**
     * The epidemic's timings from the keyspace's: a rumor round per retry interval with k = 3 (about 2% of the
     * replicas left to anti-entropy), push-pull anti-entropy at the anti-entropy interval, death certificates kept
     * active for the tombstone horizon, two dormant keepers per key, messages within the transfer budget.
     */
    static EpidemicSettings epidemicSettings(QuorumSettings s) {
        return new EpidemicSettings(s.retryMs(), 3, s.antiEntropyMs(), Exchange.PUSH_PULL, s.tombstoneHorizonMs(), 2,
                s.maxTransferBytes());
    }

    /** Where a node's replica of {@code keyspace} lives in its storage. */
    public static String storagePrefix(String keyspace) {
        return "kve/" + keyspace + "/";
    }

    @Override
    public void onStart() {
        if (replica != null) replica.start();
    }

    @Override
    public void onRecover() {
        onStart();
        env.emit("kv.recover", Map.of("keys", replica == null ? 0 : replica.epidemic().replica().items().size()));
    }

    @Override
    public void onRequest(RequestId request, Object body) {
        Rejection bad = QuorumStore.validate(body instanceof SessionRequest s ? s.request() : body);
        if (bad != null) {
            env.reply(request, bad);
        } else if (KvRequests.transactional(body)) {
            env.reply(request, Rejection.badRequest("transactions run on quorum keyspaces: this keyspace is eventual "
                    + "(no linearizable register to lock)"));
        } else if (body instanceof SessionRequest s) {
            onSession(request, s);
        } else if (body instanceof KvRequests.Inspect i) {
            env.reply(request, new KvReplies.ReplicaView(env.self().value(), i.key(),
                    replica == null ? null : replica.state(i.key())));
        } else if (body instanceof KvRequests.Replicas r) {
            peeks.start(request, r.key(), replica == null ? null : replica.state(r.key()));
        } else if (body instanceof KvRequests.Stats) {
            env.reply(request, stats());
        } else if (body instanceof KvRequests.Get || body instanceof KvRequests.Put || body instanceof KvRequests.Delete
                || body instanceof KeyPage.Request) {
            if (replica == null) {
                forwarder.start(request, body, KvCore.operation(body));
            } else {
                stats.operation(KvCore.operation(body), Map.of());
                env.reply(request, replica.serve(body));
                sessions.recheck(); // another client's write here supersedes what a waiting session needs
            }
        } else {
            env.reply(request, Rejection.badRequest("unknown request " + body.getClass().getSimpleName()));
        }
    }

    /**
     * Session guarantees are decided where the versions are: a replica serves the request once it holds what they
     * need ({@link SessionGuard}). A node without a replica forwards only what needs nothing; else 503 (the
     * forwarder's first replica to answer might be the stale one).
     */
    private void onSession(RequestId request, SessionRequest s) {
        Object inner = s.request();
        if (!(inner instanceof KvRequests.Get || inner instanceof KvRequests.Put || inner instanceof KvRequests.Delete)) {
            env.reply(request, Rejection.badRequest("session guarantees cover gets, puts and deletes"));
        } else if (sessions != null) {
            sessions.start(request, s);
        } else {
            Guarantee g = SessionGuard.missing(s, Ballot.ZERO);
            if (g == null) forwarder.start(request, inner, KvCore.operation(inner));
            else env.reply(request, SessionGuard.unavailable(env.self().value(), Session.key(inner), g, s, Ballot.ZERO,
                    "this node holds no replica of the keyspace; send the request to a replica"));
        }
    }

    @Override
    public void onMessage(NodeId from, Message m) {
        if (m instanceof Forwarded f) forwarder.onReply(f);
        else if (m instanceof PeekReply r) peeks.onReply(from, r);
        else if (replica == null) return; // replica traffic reaching a node without one: ignored
        else if (m instanceof Peek p) peeks.answer(from, p, replica.state(p.key()));
        else if (m instanceof ForwardGet || m instanceof ForwardWrite || m instanceof ForwardList) {
            Object request = Forwarding.request(m);
            Rejection bad = QuorumStore.validate(request);
            env.send(from, Forwarding.answer(Forwarding.op(m), bad != null ? bad : replica.serve(request)));
        } else {
            replica.epidemic().onMessage(from, m);
            sessions.recheck();
        }
    }

    @Override
    public void onTimer(Object timer) {
        if (timer instanceof Forwarder.Tick t) forwarder.onTimer(t);
        else if (timer instanceof StateSurvey.Tick t) peeks.onTimer(t);
        else if (timer instanceof SessionGuard.Expire e) {
            if (sessions != null) sessions.onTimer(e);
        }
        else if (replica != null) replica.epidemic().onTimer(timer);
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
        if (replica != null) replica.epidemic().counts().forEach(stats::set);
        return stats.view();
    }
}
