package dsys.kv.eventual;

import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.epidemic.Epidemic;
import dsys.core.epidemic.EpidemicSettings;
import dsys.core.epidemic.Update;
import dsys.kv.quorum.AcceptorState;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.ChosenListener;
import dsys.kv.quorum.KeyPage;
import dsys.kv.quorum.KeyspaceConfig;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.KvRequests;
import dsys.kv.quorum.Versioned;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * This node's replica of an eventual keyspace: the {@link Epidemic} holds and spreads the items; this answers the
 * requests a replica serves on its own, at once, from what it holds: reads (possibly stale), writes (stored, then
 * acknowledged; they spread afterwards) and listings.
 */
final class EventualReplica {

    private final Env env;
    private final Epidemic epidemic;

    EventualReplica(Env env, KeyspaceConfig config, EpidemicSettings settings, ChosenListener listener) {
        this.env = env;
        this.epidemic = new Epidemic(env, settings, config.replicas(), EventualStore.storagePrefix(config.name()),
                u -> listener.chosen(u.key(), versioned(u)));
    }

    Epidemic epidemic() {
        return epidemic;
    }

    void start() {
        epidemic.start();
    }

    KvReplies.Value get(String key) {
        Update u = held(key);
        return new KvReplies.Value(key, u == null ? null : u.value(), u == null ? Ballot.ZERO : version(u), "one", Map.of());
    }

    /**
     * A put ({@code value} non-null) or a delete. If-Match is checked against this replica only: another replica
     * may hold a newer version it has not heard of yet, so compare-and-set here is not linearizable (two clients
     * can both succeed at different replicas; last writer wins when the versions meet).
     */
    Object write(String key, String value, Ballot ifMatch) {
        Update current = held(key);
        Versioned now = current == null ? Versioned.ABSENT : versioned(current);
        if (ifMatch != null && (ifMatch.zero() ? now.present() : !now.present() || !now.version().equals(ifMatch))) {
            return KvReplies.preconditionFailed(key, ifMatch, now);
        }
        Update u = epidemic.write(key, value);
        return new KvReplies.Written(key, version(u), value == null, Map.of());
    }

    /** This replica's keys in the range, values only (deleted keys left out), in key order. */
    KeyPage list(KeyPage.Request r) {
        String prefix = r.prefix() == null ? "" : r.prefix();
        String from = r.after() != null && r.after().compareTo(prefix) >= 0 ? r.after() : prefix;
        List<KeyPage.Key> keys = new ArrayList<>();
        String next = null;
        for (Update u : epidemic.replica().items().tailMap(from).values()) {
            if (!u.key().startsWith(prefix)) break;
            if (u.key().equals(r.after()) || u.deathCertificate()) continue;
            if (keys.size() == r.limit()) {
                next = keys.get(keys.size() - 1).key();
                break;
            }
            keys.add(new KeyPage.Key(u.key(), version(u), u.value().length()));
        }
        return new KeyPage(keys, next, Map.of());
    }

    /**
     * The key's state in the quorum mode's terms, for {@code /replicas} and inspect: the version as both ballots,
     * chosen (nothing is pending in this mode: what a replica holds is applied). A dormant certificate shows as a
     * tombstone: the replica still holds the delete.
     */
    AcceptorState state(String key) {
        Update u = held(key);
        if (u == null) u = epidemic.replica().dormant(key);
        if (u == null) return AcceptorState.EMPTY;
        Ballot b = version(u);
        return new AcceptorState(b, b, true, versioned(u));
    }

    /** The version of the key this replica holds, a dormant death certificate's included; ZERO: none. */
    Ballot version(String key) {
        Update u = held(key);
        if (u == null) u = epidemic.replica().dormant(key);
        return u == null ? Ballot.ZERO : version(u);
    }

    boolean holds(String key) {
        return held(key) != null || epidemic.replica().dormant(key) != null;
    }

    int tombstones() {
        return epidemic.replica().certificates();
    }

    /** A request this replica serves itself: the reply, or a rejection. */
    Object serve(Object request) {
        if (request instanceof KvRequests.Get g) return get(g.key());
        if (request instanceof KvRequests.Put p) return write(p.key(), p.value(), p.ifMatch());
        if (request instanceof KvRequests.Delete d) return write(d.key(), null, d.ifMatch());
        if (request instanceof KeyPage.Request r) return list(r);
        return Rejection.badRequest("not served by a replica: " + request.getClass().getSimpleName());
    }

    private Update held(String key) {
        return epidemic.read(key);
    }

    /** The version as a ballot: (Lamport time, node), ordered as last-writer-wins orders them. */
    static Ballot version(Update u) {
        return new Ballot(u.version().time(), u.version().node());
    }

    static Versioned versioned(Update u) {
        return new Versioned(version(u), u.value(), List.of());
    }

}
