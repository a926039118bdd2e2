package dsys.lock.node;

import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.gather.Gather;
import dsys.core.gather.Gathers;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.lock.fenced.FencedResource;
import dsys.lock.fenced.FencedResource.Entry;
import dsys.lock.fenced.IssuedTokens;
import dsys.lock.lease.Fencing;
import dsys.lock.node.LockReplies.FencedResult;
import dsys.lock.node.NodeMessages.FencedQuery;
import dsys.lock.node.NodeMessages.FencedState;
import dsys.lock.node.NodeMessages.FencedStore;
import dsys.lock.node.NodeMessages.FencedStored;

import java.util.Map;
import java.util.Optional;

/**
 * The fenced resource as a quorum register on every lock node, the fencing token its version. Any node takes a
 * write: (1) it asks every replica for its register, and the token's granting node also for its grant record
 * ({@link IssuedTokens}); with a majority and the granting node's answer it refuses a token never granted for that
 * name (403) or older than the newest a replica holds (409), else (2) it stores the next version on every replica
 * and answers once a majority stored it. A read answers the newest version of a majority. Any majority overlaps
 * the majority that stored an acknowledged write, so losing any one node (of 3) loses nothing acknowledged and
 * stops nothing but the writes of tokens that node granted (it alone can confirm them: 503 until it is back).
 * A read does not write back what it saw: a write that reached only a minority (its client got a 503) may show in
 * one read and not the next.
 */
final class FencedQuorum {

    /** Sub-versions order one holder's writes; their low bits are the writing node's index, so two never tie. */
    private static final int NODE_BITS = 6;

    private final Env env;
    private final LockNodeCore node;
    private final FencedResource replica;
    private final IssuedTokens issued;
    private final Gathers gathers;
    private final Gathers.Patience patience;

    FencedQuorum(Env env, LockNodeCore node, FencedResource replica, IssuedTokens issued, Gathers gathers,
                 Gathers.Patience patience) {
        this.env = env;
        this.node = node;
        this.replica = replica;
        this.issued = issued;
        this.gathers = gathers;
        this.patience = patience;
    }

    private int majority() {
        return env.members().size() / 2 + 1;
    }

    // ---- write --------------------------------------------------------------------------------------------------

    void write(RequestId request, LockRequests.FencedWrite f) {
        Rejection bad = Validation.lockName(f.name());
        if (bad == null && f.value() == null) bad = Rejection.badRequest("value is required");
        long token = f.fencingToken();
        Optional<NodeId> grantor = token <= 0 ? Optional.empty() : node.nodeByIndex(Fencing.node(token));
        if (bad == null && grantor.isEmpty()) bad = notIssued(f.name(), token, "no node of this cluster has its index");
        if (bad != null) {
            env.reply(request, bad);
            return;
        }
        NodeId by = grantor.get();
        gathers.<FencedState>ask(env.members().nodes(), qid -> new FencedQuery(qid, f.name(), token),
                state(null, f.name(), token), patience,
                g -> g.replies().size() >= majority() && g.replies().containsKey(by),
                g -> checked(request, f, by, g));
    }

    private void checked(RequestId request, LockRequests.FencedWrite f, NodeId by, Gather<FencedState> g) {
        long token = f.fencingToken();
        FencedState grant = g.replies().get(by);
        if (grant == null) {
            env.reply(request, Rejection.unavailable("fenced: cannot verify fencing token " + token + ": " + by
                    + ", which granted it, did not answer in time"));
        } else if (grant.lastIssued() != token) {
            env.reply(request, grant.lastIssued() > token
                    ? stale(f.name(), token, by + " has granted '" + f.name() + "' again since (token "
                    + grant.lastIssued() + ")")
                    : notIssued(f.name(), token, by + " never granted it for '" + f.name() + "'"));
        } else if (g.replies().size() < majority()) {
            env.reply(request, tooFew(g.replies().size(), "answered"));
        } else {
            Entry newest = newestState(g);
            if (newest.token() > token) {
                env.reply(request, stale(f.name(), token, "token " + newest.token() + " already wrote"));
                return;
            }
            long round = newest.token() == token ? (newest.sub() >>> NODE_BITS) + 1 : 1;
            store(request, f.name(), new Entry(token, round << NODE_BITS | env.self().index(), f.value()));
        }
    }

    private void store(RequestId request, String name, Entry e) {
        Entry mine = replica.store(name, e);
        gathers.<FencedStored>ask(env.members().nodes(),
                qid -> new FencedStore(qid, name, e.token(), e.sub(), e.value()),
                new FencedStored(null, mine.token(), mine.sub(), mine.value()), patience,
                g -> accepted(g, e) >= majority() || g.replies().size() - accepted(g, e) > env.members().size() - majority(),
                g -> stored(request, name, e, g));
    }

    private static long accepted(Gather<FencedStored> g, Entry e) {
        return g.replies().values().stream().filter(s -> s.token() == e.token() && s.sub() == e.sub()).count();
    }

    private void stored(RequestId request, String name, Entry e, Gather<FencedStored> g) {
        long ok = accepted(g, e);
        env.emit("lock.fenced-write", Map.of("name", name, "token", e.token(), "accepted", ok >= majority(),
                "replicas", ok));
        if (ok >= majority()) {
            env.reply(request, new FencedResult(name, true, e.token(), e.token(), e.value()));
            return;
        }
        Entry newer = newest(g.replies().values().stream().map(s -> new Entry(s.token(), s.sub(), s.value())).toList());
        if (newer.token() > e.token()) {
            env.reply(request, stale(name, e.token(), "token " + newer.token() + " wrote meanwhile"));
        } else if (newer.newerThan(e)) {
            env.reply(request, Rejection.conflict("write-conflict", "another write with fencing token " + e.token()
                    + " to '" + name + "' came first; read it and write again"));
        } else {
            env.reply(request, tooFew(ok, "stored the write (it may show in later reads or not)"));
        }
    }

    // ---- read ---------------------------------------------------------------------------------------------------

    void read(RequestId request, String name) {
        Rejection bad = Validation.lockName(name);
        if (bad != null) {
            env.reply(request, bad);
            return;
        }
        gathers.<FencedState>ask(env.members().nodes(), qid -> new FencedQuery(qid, name, 0), state(null, name, 0),
                patience, g -> g.replies().size() >= majority(), g -> {
                    if (g.replies().size() < majority()) {
                        env.reply(request, tooFew(g.replies().size(), "answered"));
                        return;
                    }
                    Entry e = newestState(g);
                    env.reply(request, new FencedResult(name, e.value() != null, 0, e.token(), e.value()));
                });
    }

    // ---- replicas -----------------------------------------------------------------------------------------------

    private FencedState state(String qid, String name, long token) {
        Entry e = replica.read(name);
        Long last = token != 0 && Fencing.node(token) == env.self().index() ? issued.last(name).orElse(-1) : null;
        return new FencedState(qid, e.token(), e.sub(), e.value(), last);
    }

    boolean handles(Message m) {
        return m instanceof FencedQuery || m instanceof FencedState || m instanceof FencedStore
                || m instanceof FencedStored;
    }

    void onMessage(NodeId from, Message m) {
        if (m instanceof FencedQuery q) {
            node.transmit(from, state(q.qid(), q.name(), q.token()));
        } else if (m instanceof FencedStore s) {
            Entry now = replica.store(s.name(), new Entry(s.token(), s.sub(), s.value()));
            node.transmit(from, new FencedStored(s.qid(), now.token(), now.sub(), now.value()));
        } else if (m instanceof FencedState s) {
            gathers.accept(s.qid(), from, s);
        } else if (m instanceof FencedStored s) {
            gathers.accept(s.qid(), from, s);
        }
    }

    // ---- answers ------------------------------------------------------------------------------------------------

    private static Entry newestState(Gather<FencedState> g) {
        return newest(g.replies().values().stream().map(s -> new Entry(s.token(), s.sub(), s.value())).toList());
    }

    private static Entry newest(Iterable<Entry> entries) {
        Entry best = Entry.NONE;
        for (Entry e : entries) if (e.newerThan(best)) best = e;
        return best;
    }

    private static Rejection stale(String name, long token, String why) {
        return Rejection.conflict("stale-token", "fencing token " + token + " may no longer write to '" + name
                + "': " + why + "; the lock was granted to someone else since");
    }

    private static Rejection notIssued(String name, long token, String why) {
        return new Rejection(403, "token-not-issued", "Token not issued", "fencing token " + token
                + " was never granted for '" + name + "' by this lock service (" + why + "); nothing was written");
    }

    private Rejection tooFew(long replies, String what) {
        return Rejection.unavailable("fenced: only " + replies + " of " + env.members().size() + " replicas " + what
                + " in time; the fenced resource needs a majority (" + majority() + ")");
    }
}
