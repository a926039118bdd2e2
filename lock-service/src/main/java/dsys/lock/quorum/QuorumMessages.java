package dsys.lock.quorum;

import dsys.core.message.Message;
import dsys.lock.lease.HoldInfo;

import java.util.List;

/** Messages of the failure detector and of epoch changes (Paxos phase 1 style: prepare, promise, commit). */
public final class QuorumMessages {

    private QuorumMessages() {
    }

    /**
     * Sent every heartbeat interval. {@code echoNanos} is the sender time of the last heartbeat received from the
     * addressee: it proves the addressee was heard by this node after that instant, in this node's epoch.
     */
    public record Heartbeat(long current, long promised, long sentNanos, long echoNanos) implements Message {
    }

    public record Prepare(long number, String algorithm, String owner) implements Message {
    }

    /**
     * The promiser stops granting in older epochs and reports every hold it acknowledged, the holds of other nodes
     * it recorded or was told of ({@code known}, remaining times on its clock), its coordinator table
     * if it coordinated its current epoch from the start (null otherwise), which epoch it was in, the highest
     * number it had promised before, and how much of that epoch's grace period is left.
     */
    public record Promise(long number, List<HoldInfo> holds, List<HoldInfo> known, List<HoldInfo> coordinatorTable,
                          long current,
                          String currentAlgorithm, String currentOwner, long promisedBefore, long graceLeftMs)
            implements Message {
    }

    public record Nack(long number, long promised) implements Message {
    }

    /**
     * The new epoch, the holds carried into it (the promisers' own and their coordinator's table), how long nobody
     * may grant (0 unless an older stored epoch still had a grace period), and the holds of nodes outside it
     * ({@code outside}, remaining times as reported): their names wait until those end.
     */
    public record Commit(EpochInfo epoch, List<HoldInfo> holds, long graceMs, List<HoldInfo> outside)
            implements Message {
        public Commit {
            outside = outside == null ? List.of() : List.copyOf(outside);
        }
    }

    /**
     * Sent (repeatedly) by a node that adopted epoch {@code epoch} without having promised it: every hold it keeps
     * (its durable hold table; empty when it never granted or everything ended). It can no longer grant or renew in
     * an older epoch, nor in this one (not a member), so these holds are all it may still have from before.
     */
    public record HoldsReport(long epoch, List<HoldInfo> holds) implements Message {
    }

    /** "I saw a newer epoch in your heartbeat: send me its commit." */
    public record CatchUp(long current) implements Message {
    }
}
