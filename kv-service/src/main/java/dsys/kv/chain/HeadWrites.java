package dsys.kv.chain;

import dsys.core.env.Env;
import dsys.kv.chain.ChainMessages.Entry;
import dsys.kv.chain.ChainMessages.WriteForward;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.Versioned;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The head's part (链头): it orders the writes. It checks If-Match against its copy — the newest in the chain, since
 * every write passes it first — gives the write the key's next version and the chain's next sequence number, stores
 * it, passes it down, and answers once the tail holds it. The operation id goes into the key's recent writes
 * ({@link Versioned#writes()}), so a retried request that finds its id there is not applied twice (a new head finds
 * it too: an acknowledged write is at every member); one whose id has dropped out of the recent writes cannot be
 * told apart from a new one and gets 504.
 */
final class HeadWrites {

    /** Answers one forwarded (or local) write: the node that forwarded it gets {@code result}. */
    interface Answer {
        void answer(String op, String node, Object result);
    }

    /** Suffix of the operation id under which a refused compare-and-set is recorded in the key's recent writes. */
    static final String REFUSED = "!refused";

    private record Taken(long seq, Object answer) {
    }

    /** {@code read}: a read held until what it read is stable; it had no effect, so a lost head answers 503. */
    private record Waiter(String op, String node, String key, Object answer, long since, boolean read) {
        Waiter(String op, String node, String key, Object answer, long since) {
            this(op, node, key, answer, since, false);
        }
    }

    private final Env env;
    private final ChainReplica replica;
    private final ChainLink link;
    private final ChainTimings timings;
    private final Answer answer;
    private final String reserveKey;
    private final TreeMap<Long, List<Waiter>> waiting = new TreeMap<>();
    /** Writes this head took, by operation id (the last 65,536): a duplicate is recognised even when overwritten. */
    private final Map<String, Taken> taken = new java.util.LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Taken> eldest) {
            return size() > 65_536;
        }
    };
    private long lastCounter;
    private long reservedUpTo;

    HeadWrites(Env env, ChainReplica replica, ChainLink link, ChainTimings timings, String keyspace, Answer answer) {
        this.env = env;
        this.replica = replica;
        this.link = link;
        this.timings = timings;
        this.answer = answer;
        this.reserveKey = ChainReplica.prefix(keyspace) + "ballots";
    }

    /** Versions are never reissued after a crash: counters are reserved on disk in blocks. */
    void load() {
        reservedUpTo = env.storage().get(reserveKey).map(Long::parseLong).orElse(0L);
        lastCounter = reservedUpTo;
        waiting.clear();
        taken.clear();
    }

    /** A write at the head of the current view, which is not sealed (the caller checked). */
    void write(String from, WriteForward w) {
        Versioned current = replica.content(w.key());
        Taken t = taken.get(w.op());
        if (t != null) { // a duplicate or retry of a write this head decided
            wait(t.seq(), new Waiter(w.op(), from, w.key(), t.answer(), env.nanoTime()));
            return;
        }
        Versioned.Write done = current.writeOf(w.op());
        if (done != null) { // a retry of a write this chain has taken: answer once it is at the tail
            wait(replica.item(w.key()).seq(), new Waiter(w.op(), from, w.key(),
                    new KvReplies.Written(w.key(), done.version(), w.delete(), Map.of()), env.nanoTime()));
            return;
        }
        if (current.writeOf(w.op() + REFUSED) != null) {
            wait(replica.item(w.key()).seq(), new Waiter(w.op(), from, w.key(), refusal(w, current), env.nanoTime()));
            return;
        }
        if (w.retry() && current.writes().size() == Versioned.RECENT) {
            answer.answer(w.op(), from, KvReplies.outcomeUnknown(w.key(), "a retried write whose first attempt may "
                    + "have been taken by an earlier head; later writes have overwritten the record of it"));
            return;
        }
        Object result;
        Versioned next;
        if (holds(w.ifMatch(), current)) {
            Ballot version = nextVersion(current.version());
            next = current.next(version, w.delete() ? null : w.value(), w.op());
            result = new KvReplies.Written(w.key(), version, w.delete(), Map.of());
        } else {
            // the refusal is recorded in the chain like a write (same version and value), and answered only once
            // the tail holds it: a duplicate or a retry at a later head finds it and is refused again, never applied
            next = current.locked(null, current.version(), w.op() + REFUSED);
            result = refusal(w, current);
        }
        long seq = replica.lastSeq() + 1;
        replica.apply(w.key(), seq, next);
        replica.lastSeq(seq);
        taken.put(w.op(), new Taken(seq, result));
        wait(seq, new Waiter(w.op(), from, w.key(), result, env.nanoTime()));
        link.appended(new Entry(w.key(), seq, next));
    }

    private static Object refusal(WriteForward w, Versioned current) {
        return KvReplies.preconditionFailed(w.key(), w.ifMatch() == null ? Ballot.ZERO : w.ifMatch(), current);
    }

    /** If-Match: absent for ZERO, exactly this version of a present value otherwise; none when null. */
    static boolean holds(Ballot ifMatch, Versioned current) {
        if (ifMatch == null) return true;
        return ifMatch.zero() ? !current.present() : current.present() && current.version().equals(ifMatch);
    }

    private void wait(long seq, Waiter w) {
        waiting.computeIfAbsent(seq, s -> new ArrayList<>(1)).add(w);
        if (link.stable() >= seq) stable(link.stable());
    }

    /** A read (or listing) answered once every member holds the writes up to {@code seq}. */
    void whenStable(long seq, String op, String node, String key, Object result) {
        wait(seq, new Waiter(op, node, key, result, env.nanoTime(), true));
    }

    /** The tail holds every write up to {@code stable}: their clients are answered. */
    void stable(long stable) {
        Map<Long, List<Waiter>> due = waiting.headMap(stable, true);
        List<Waiter> answered = new ArrayList<>();
        due.values().forEach(answered::addAll);
        due.clear();
        for (Waiter w : answered) answer.answer(w.op(), w.node(), w.answer());
    }

    /** This node is no longer the head: writes it took but the tail has not acknowledged may or may not survive. */
    void notHead(String why) {
        List<Waiter> all = new ArrayList<>();
        waiting.values().forEach(all::addAll);
        waiting.clear();
        for (Waiter w : all) {
            answer.answer(w.op(), w.node(), w.read() ? KvReplies.unavailable(w.key(), why)
                    : KvReplies.outcomeUnknown(w.key(), why));
        }
    }

    /** Waiters older than two deadlines: their clients were answered by their own node's deadline. */
    void expire() {
        long now = env.nanoTime();
        waiting.values().removeIf(ws -> {
            ws.removeIf(w -> now - w.since() > 2 * timings.ms(timings.deadlineMs()));
            return ws.isEmpty();
        });
    }

    private Ballot nextVersion(Ballot current) {
        long counter = Math.max(env.clock().millis(), Math.max(lastCounter, current.counter()) + 1);
        lastCounter = counter;
        if (counter > reservedUpTo) {
            reservedUpTo = counter + 1_000;
            env.storage().put(reserveKey, Long.toString(reservedUpTo));
        }
        return new Ballot(counter, env.self().value());
    }
}
