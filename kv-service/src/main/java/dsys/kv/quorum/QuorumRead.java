package dsys.kv.quorum;

import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.kv.quorum.QuorumMessages.Accept;
import dsys.kv.quorum.QuorumMessages.Accepted;
import dsys.kv.quorum.QuorumMessages.Commit;
import dsys.kv.quorum.QuorumMessages.Read;
import dsys.kv.quorum.QuorumMessages.ReadReply;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A read at level {@code one} (the first answer), {@code quorum} (V_r votes, the highest version) or
 * {@code linearizable} (ABD): V_r votes and the highest accepted content; if it is not yet known to be chosen
 * (no replica says so, and its holders have fewer than V_w votes), it is written back (the same ballot and
 * content, which is what its proposer sent: always safe) until V_w votes hold it. Only then does the read
 * answer, so no later read can see anything older. A write-back refused by a higher promise becomes a full
 * CASPaxos round with the identity change.
 */
final class QuorumRead extends Operation {

    private enum Phase { READ, WRITE_BACK, DONE }

    private final ReadLevel level;
    private Phase phase = Phase.READ;
    private final Gather<ReadReply> reads = new Gather<>();
    private Gather<Accepted> writeBacks;
    private final Set<NodeId> holders = new HashSet<>();
    private ReadReply newest;

    QuorumRead(QuorumCoordinator co, String id, RequestId request, String key, long deadlineNanos, ReadLevel level) {
        super(co, id, request, key, deadlineNanos);
        this.level = level;
    }

    @Override
    String label() {
        return "read-" + level.label();
    }

    @Override
    void start() {
        co.sendToQuorum(this, new Read(id, key), level == ReadLevel.ONE ? 1 : co.config().readQuorum());
    }

    @Override
    void onReply(NodeId from, Message m) {
        if (m instanceof ReadReply r && phase == Phase.READ) {
            if (!reads.add(from, r, true)) return;
            int votes = co.quorum().votes(reads.agreed().keySet());
            if (level == ReadLevel.ONE || votes >= co.config().readQuorum()) decide(votes);
        } else if (m instanceof Accepted a && phase == Phase.WRITE_BACK && a.ballot().equals(newest.accepted())) {
            if (!writeBacks.add(from, a, a.ok())) return;
            if (!a.ok()) {
                fallBack();
                return;
            }
            holders.add(from);
            if (co.quorum().isWriteQuorum(holders)) {
                co.gathered(this, "write-back", newest.accepted(), co.quorum().votes(holders), co.config().writeQuorum());
                co.sendToReplicas(this, new Commit(key, newest.accepted()));
                answer();
            }
        }
    }

    private void decide(int votes) {
        for (ReadReply r : reads.agreed().values()) {
            if (newest == null || r.accepted().isAfter(newest.accepted())) newest = r;
        }
        co.gathered(this, "read", newest.accepted(), votes, level == ReadLevel.ONE ? 0 : co.config().readQuorum());
        if (level != ReadLevel.LINEARIZABLE || newest.accepted().zero()) {
            answer();
            return;
        }
        boolean knownChosen = false;
        for (Map.Entry<NodeId, ReadReply> e : reads.agreed().entrySet()) {
            if (!e.getValue().accepted().equals(newest.accepted())) continue;
            holders.add(e.getKey());
            knownChosen |= e.getValue().committed();
        }
        if (knownChosen || co.quorum().isWriteQuorum(holders)) {
            answer();
            return;
        }
        phase = Phase.WRITE_BACK;
        writeBacks = new Gather<>();
        co.emit("kv.writeback", Map.of("key", key, "op", id, "ballot", newest.accepted().toString(),
                "version", newest.content().version().toString(), "holders", holders.size()));
        int stale = 0;
        for (NodeId n : co.replicas()) {
            if (holders.contains(n)) continue;
            co.send(this, n, writeBack());
            if (reads.agreed().containsKey(n)) stale++; // it answered with an older version: a repair
        }
        co.count("writebacks", stale); // dsys.kv.repairs{kind=write-back}; silent replicas are not known stale
    }

    private Accept writeBack() {
        return new Accept(id, key, newest.accepted(), newest.content(), Ballot.ZERO);
    }

    /** A higher ballot is promised somewhere: a full round decides what is chosen now. */
    private void fallBack() {
        phase = Phase.DONE;
        co.emit("kv.retry", Map.of("key", key, "op", id, "ballot", newest.accepted().toString(), "phase", "write-back"));
        co.replace(this, new Proposal(co, id, request, key, deadlineNanos, Change.read()));
    }

    private void answer() {
        phase = Phase.DONE;
        Versioned c = newest.content();
        if (level == ReadLevel.LINEARIZABLE && c.lock() != null && c.lock().writes()) {
            co.finish(this, KvReplies.locked(key, c.lock())); // its value is about to change, or not: unknown yet
            return;
        }
        co.finish(this, new KvReplies.Value(key, c.value(), c.version(), level.label(), messageCounts()));
    }

    @Override
    void onRetry() {
        if (phase == Phase.READ) {
            for (NodeId n : reads.missing(co.replicas())) co.send(this, n, new Read(id, key));
        } else if (phase == Phase.WRITE_BACK) {
            for (NodeId n : writeBacks.missing(co.replicas())) if (!holders.contains(n)) co.send(this, n, writeBack());
        }
    }

    @Override
    Object timedOut() {
        return KvReplies.unavailable(key, "no " + (phase == Phase.READ ? "read" : "write-back") + " quorum answered "
                + "within " + co.settings().deadlineMs() + " ms");
    }
}
