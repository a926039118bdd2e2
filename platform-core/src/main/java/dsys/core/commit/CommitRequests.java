package dsys.core.commit;

import java.util.List;
import java.util.Map;

/** Client requests to a {@link CommitCoordinator} and its answers. */
public final class CommitRequests {

    private CommitRequests() {
    }

    /**
     * Run one transaction: its operations per participant. With an {@code idempotencyKey} the transaction is
     * named by it, so a retried request finds the first one and gets its outcome instead of running twice.
     */
    public record Begin(CommitProtocol protocol, Map<String, List<TxnOp>> operations, String idempotencyKey) {
        public Begin(CommitProtocol protocol, Map<String, List<TxnOp>> operations) {
            this(protocol, operations, null);
        }
    }

    /** The coordinator's state of a transaction. */
    public record Inspect(String txn) {
    }

    /**
     * {@code reason} says why an aborted transaction aborted (a participant's vote-abort, a timeout). {@code reads}:
     * what its gets read, when it committed (a coordinator that restarted since the votes no longer has them).
     */
    public record Outcome(String txn, boolean committed, String reason, List<String> participants, List<TxnRead> reads) {
        public Outcome {
            reads = reads == null ? List.of() : List.copyOf(reads);
        }

        public Outcome(String txn, boolean committed, String reason, List<String> participants) {
            this(txn, committed, reason, participants, List.of());
        }
    }
}
