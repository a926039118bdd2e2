package dsys.lock.centralized;

import dsys.core.node.NodeId;
import dsys.lock.lease.Fencing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The coordinator's state (notes §6.1): per lock, the holder and a FIFO queue of requests. Rebuilt on fail-over
 * from the holds the nodes reported in their promises (each acting node keeps its clients' holds durably); the
 * queue is rebuilt from the waiting nodes re-sending their requests to the new coordinator.
 */
final class Coordinator {

    record Entry(NodeId node, String key, String name, String owner, long leaseMs, long firstSeenNanos) {
    }

    record Holder(NodeId node, String key, String owner, long token, long leaseMs, long expiresNanos) {
    }

    interface Out {
        long now();

        boolean mayGrant(String name);

        void granted(Entry e, long token, long queuedNanos);

        void queued(Entry e);

        void expireAt(String name, long token, long atNanos);

        void expired(Holder h);
    }

    private final long epoch;
    private final Out out;
    private final java.util.function.LongUnaryOperator stretch;
    private final Map<String, Deque<Entry>> queues = new HashMap<>();
    private final Map<String, Holder> table = new HashMap<>();
    private long counter;

    /** {@code stretch}: lease ms → nanos this node must wait so the holder's lease is surely over. */
    Coordinator(long epoch, Out out, java.util.function.LongUnaryOperator stretch) {
        this.epoch = epoch;
        this.out = out;
        this.stretch = stretch;
    }

    void carry(String name, NodeId node, String owner, long token, long leaseMs, long remainingMs) {
        long expires = out.now() + stretch.applyAsLong(remainingMs);
        table.put(name, new Holder(node, null, owner, token, leaseMs, expires));
        out.expireAt(name, token, expires);
    }

    void request(Entry e) {
        Holder h = table.get(e.name());
        if (h != null && e.key().equals(h.key())) {
            out.granted(e, h.token(), 0);  // the grant was lost: send it again
            return;
        }
        Deque<Entry> q = queues.computeIfAbsent(e.name(), k -> new ArrayDeque<>());
        if (q.stream().anyMatch(x -> x.key().equals(e.key()))) {
            out.queued(e);
            return;
        }
        q.addLast(e);
        tryGrant(e.name());
    }

    void tryGrant(String name) {
        Deque<Entry> q = queues.get(name);
        if (table.containsKey(name) || q == null || q.isEmpty() || !out.mayGrant(name)) return;
        Entry e = q.pollFirst();
        if (q.isEmpty()) queues.remove(name);
        long now = out.now();
        long token = Fencing.token(epoch, ++counter, e.node().index());
        long expires = now + stretch.applyAsLong(e.leaseMs());
        table.put(name, new Holder(e.node(), e.key(), e.owner(), token, e.leaseMs(), expires));
        out.expireAt(name, token, expires);
        out.granted(e, token, now - e.firstSeenNanos());
    }

    void tryGrantAll() {
        for (String name : new ArrayList<>(queues.keySet())) tryGrant(name);
    }

    void release(String name, long token) {
        Holder h = table.get(name);
        if (h != null && h.token() == token) {
            table.remove(name);
            tryGrant(name);
        }
    }

    void cancel(String name, String key) {
        Deque<Entry> q = queues.get(name);
        if (q != null) {
            q.removeIf(e -> e.key().equals(key));
            if (q.isEmpty()) queues.remove(name);
        }
        Holder h = table.get(name);
        if (h != null && key.equals(h.key())) release(name, h.token());
    }

    /** True when {@code token} is the current grant (its lease is then extended). */
    boolean renew(String name, long token) {
        Holder h = table.get(name);
        if (h == null || h.token() != token) return false;
        long expires = out.now() + stretch.applyAsLong(h.leaseMs());
        table.put(name, new Holder(h.node(), h.key(), h.owner(), token, h.leaseMs(), expires));
        return true;
    }

    void expire(String name, long token) {
        Holder h = table.get(name);
        if (h == null || h.token() != token) return;
        if (out.now() < h.expiresNanos()) {
            out.expireAt(name, token, h.expiresNanos());
            return;
        }
        table.remove(name);
        out.expired(h);
        tryGrant(name);
    }


    List<dsys.lock.lease.HoldInfo> table() {
        long now = out.now();
        return table.entrySet().stream().map(e -> new dsys.lock.lease.HoldInfo(e.getKey(), e.getValue().owner(),
                e.getValue().token(), e.getValue().leaseMs(),
                Math.max(0, (e.getValue().expiresNanos() - now + 999_999) / 1_000_000))).toList();
    }

    /** Waiting requests in FIFO order, as "node#seq|owner". */
    List<String> queue(String name) {
        Deque<Entry> q = queues.get(name);
        return q == null ? List.of() : q.stream().map(e -> e.key() + "|" + e.owner()).toList();
    }
}
