package dsys.lock.node;

import dsys.core.env.Rejection;
import dsys.core.message.Message;
import dsys.lock.lease.HoldInfo;
import dsys.lock.node.LockReplies.Released;
import dsys.lock.node.LockReplies.Renewed;
import dsys.lock.node.LockReplies.Waiting;
import dsys.lock.stats.Counters;
import dsys.lock.stats.Counting;

import java.util.List;
import java.util.Map;

/** Node-to-node messages outside the algorithms: routing renew/release to the holder's node, inspection, stats. */
public final class NodeMessages {

    private NodeMessages() {
    }

    public record ForwardRenew(String qid, String name, String owner, long token) implements Message {
    }

    public record ForwardRelease(String qid, String name, String owner, long token) implements Message {
    }

    public record ForwardReply(String qid, Rejection rejection, Renewed renewed, Released released) implements Message {
    }

    public record LockQuery(String qid, String name) implements Message {
    }

    /** {@code coordinatorQueue} is non-null only from the centralized coordinator. */
    public record LockReport(String qid, List<HoldInfo> holds, List<Waiting> waiting, List<String> coordinatorQueue)
            implements Message {
    }

    public record StatsQuery(String qid) implements Message {
    }

    public record StatsReport(String qid, Map<String, Counters> counters, long background, Counting counting)
            implements Message {
    }

    /** A replica's register for {@code name}; {@code token} ≠ 0 also asks its granting node to confirm it. */
    public record FencedQuery(String qid, String name, long token) implements Message {
    }

    /** {@code lastIssued}: only from the token's granting node, its last grant of the name (-1: none); else null. */
    public record FencedState(String qid, long token, long sub, String value, Long lastIssued) implements Message {
    }

    public record FencedStore(String qid, String name, long token, long sub, String value) implements Message {
    }

    /** What the replica holds after the store: the version sent when it accepted, a newer one when it refused. */
    public record FencedStored(String qid, long token, long sub, String value) implements Message {
    }

    /**
     * "Record this hold before I answer its client": a grant or renewal at the sender, in the sender's epoch
     * {@code epoch}; {@code hold.leaseMs()} runs from now at the latest (see {@code HoldReplication}).
     */
    public record RecordHold(long epoch, long seq, HoldInfo hold) implements Message {
    }

    /** The recorder is in that epoch with no newer promise and stored the record (durably) before answering. */
    public record HoldRecorded(long seq, long token) implements Message {
    }

    /** The hold of {@code name} with this token ended at its acting node: recorders may forget it. */
    public record HoldEnded(String name, long token) implements Message {
    }
}
