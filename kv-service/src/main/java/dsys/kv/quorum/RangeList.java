package dsys.kv.quorum;

import dsys.core.env.Env;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Range listing ({@link KeyPage.Request}): asks every replica for its entries in the range, re-asks the silent ones
 * every {@code retryMs}, and answers once replicas with V_r votes did: per key the entry of the highest accepted
 * ballot among them, tombstoned keys left out. Every write reached V_w votes and V_r + V_w > V, so a key whose
 * write was acknowledged before the listing began is in some answer (with that write's version or a later one).
 * It is not a snapshot: keys are merged one by one, content accepted but not yet chosen may show, and nothing is
 * written back. Each replica sends at most {@code limit} entries, so a key after the smallest last key of a
 * replica that had more may be missing from that replica's answer: the page stops there, and {@code next} resumes.
 */
final class RangeList {

    /** Operation ids of listings carry this marker, so their answers are never taken for a coordinator's. */
    static final String MARK = ":list:";

    record Tick(String op) {
    }

    private static final class Listing {
        final RequestId request;
        final KeyPage.Request range;
        final long deadlineNanos;
        final Map<NodeId, ListReply> answers = new HashMap<>();
        int sent;

        Listing(RequestId request, KeyPage.Request range, long deadlineNanos) {
            this.request = request;
            this.range = range;
            this.deadlineNanos = deadlineNanos;
        }
    }

    private final Env env;
    private final KeyspaceConfig config;
    private final QuorumSettings settings;
    private final WeightedVotingQuorum quorum;
    private final Replica local;
    private final BiConsumer<NodeId, Message> send;
    private final Map<String, Listing> open = new HashMap<>();
    private long seq;

    RangeList(Env env, KeyspaceConfig config, QuorumSettings settings, Replica local, BiConsumer<NodeId, Message> send) {
        this.env = env;
        this.config = config;
        this.settings = settings;
        this.quorum = new WeightedVotingQuorum(config);
        this.local = local;
        this.send = send;
    }

    static boolean owns(String op) {
        return op != null && op.contains(MARK);
    }

    /** A replica's answer: its entries holding data in the range, in key order, at most {@code limit}. */
    static ListReply answer(Replica replica, ListRequest r) {
        String prefix = r.prefix() == null ? "" : r.prefix();
        String from = r.after() != null && r.after().compareTo(prefix) >= 0 ? r.after() : prefix;
        boolean inclusive = r.after() == null || r.after().compareTo(prefix) < 0;
        List<ListReply.Entry> out = new ArrayList<>();
        boolean more = false;
        for (String key : replica.keysFrom(from, inclusive)) {
            if (!key.startsWith(prefix)) break;
            AcceptorState s = replica.entry(key);
            if (!BucketDigests.holdsData(s)) continue;
            if (out.size() >= Math.min(r.limit(), KeyPage.Request.MAX_LIMIT)) {
                more = true;
                break;
            }
            Versioned c = s.content();
            out.add(new ListReply.Entry(key, s.accepted(), c.version(), c.tombstone(),
                    c.value() == null ? 0 : c.value().length()));
        }
        return new ListReply(r.op(), out, more);
    }

    void start(RequestId request, KeyPage.Request range) {
        String op = env.self().value() + MARK + (++seq);
        Listing l = new Listing(request, range, env.nanoTime() + settings.deadlineMs() * 1_000_000L);
        open.put(op, l);
        if (local != null) l.answers.put(env.self(), answer(local, ask(op, l)));
        if (finishIfQuorum(op, l)) return;
        askSilent(op, l);
        env.after(Duration.ofMillis(settings.retryMs()), new Tick(op));
    }

    void onReply(NodeId from, ListReply r) {
        Listing l = open.get(r.op());
        if (l == null || !config.isReplica(from)) return; // late, duplicate or foreign
        l.answers.put(from, r);
        finishIfQuorum(r.op(), l);
    }

    void onTimer(Tick t) {
        Listing l = open.get(t.op());
        if (l == null) return;
        if (env.nanoTime() - l.deadlineNanos >= 0) {
            open.remove(t.op());
            env.emit("kv.list", Map.of("answered", l.answers.size(), "outcome", "unavailable"));
            env.reply(l.request, KvReplies.unavailable(l.range.prefix() == null ? "" : l.range.prefix() + "*",
                    "only " + l.answers.keySet() + " answered the listing; a read quorum needs "
                            + config.readQuorum() + " votes"));
            return;
        }
        askSilent(t.op(), l);
        env.after(Duration.ofMillis(settings.retryMs()), t);
    }

    private ListRequest ask(String op, Listing l) {
        return new ListRequest(op, l.range.prefix(), l.range.after(), l.range.limit());
    }

    private void askSilent(String op, Listing l) {
        for (NodeId r : config.replicas()) {
            if (l.answers.containsKey(r)) continue;
            send.accept(r, ask(op, l));
            l.sent++;
        }
    }

    private boolean finishIfQuorum(String op, Listing l) {
        if (!quorum.isReadQuorum(l.answers.keySet())) return false;
        open.remove(op);
        env.reply(l.request, merge(l));
        return true;
    }

    private KeyPage merge(Listing l) {
        TreeMap<String, ListReply.Entry> newest = new TreeMap<>();
        String cutoff = null; // past it, a replica that had more did not say what it holds
        for (ListReply r : l.answers.values()) {
            for (ListReply.Entry e : r.entries()) {
                newest.merge(e.key(), e, (a, b) -> b.accepted().isAfter(a.accepted()) ? b : a);
            }
            if (r.more() && !r.entries().isEmpty()) {
                String last = r.entries().get(r.entries().size() - 1).key();
                if (cutoff == null || last.compareTo(cutoff) < 0) cutoff = last;
            }
        }
        List<KeyPage.Key> keys = new ArrayList<>();
        String next = null;
        for (ListReply.Entry e : newest.values()) {
            if (cutoff != null && e.key().compareTo(cutoff) > 0) {
                next = cutoff;
                break;
            }
            if (e.tombstone()) continue;
            if (keys.size() == l.range.limit()) {
                next = keys.get(keys.size() - 1).key();
                break;
            }
            keys.add(new KeyPage.Key(e.key(), e.version(), e.size()));
        }
        if (next == null && cutoff != null) next = cutoff; // the cutoff replica had more, all past this page
        Map<String, Integer> messages = new LinkedHashMap<>();
        if (l.sent > 0) messages.put("ListRequest", l.sent);
        int replies = (int) l.answers.keySet().stream().filter(n -> !n.equals(env.self())).count();
        if (replies > 0) messages.put("ListReply", replies);
        env.emit("kv.list", Map.of("answered", l.answers.size(), "keys", keys.size(), "outcome", "ok"));
        return new KeyPage(keys, next, messages);
    }
}
