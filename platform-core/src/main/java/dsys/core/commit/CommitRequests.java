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
     * what its gets read, when it committed (logged with the decision, so a retry after a restart gets them too).
     * {@code messages}: the protocol messages the coordinator sent and received for it up to its decision.
     * {@code silent}: the participants that had not voted when the coordinator gave up waiting (empty otherwise, and
     * after a restart): the host may route around them for a while.
     */
    public record Outcome(String txn, boolean committed, String reason, List<String> participants, List<TxnRead> reads,
                          Messages messages, List<String> silent) {
        public Outcome {
            reads = reads == null ? List.of() : List.copyOf(reads);
            messages = messages == null ? Messages.NONE : messages;
            silent = silent == null ? List.of() : List.copyOf(silent);
        }

        public Outcome(String txn, boolean committed, String reason, List<String> participants, List<TxnRead> reads,
                       Messages messages) {
            this(txn, committed, reason, participants, reads, messages, List.of());
        }

        public Outcome(String txn, boolean committed, String reason, List<String> participants, List<TxnRead> reads) {
            this(txn, committed, reason, participants, reads, Messages.NONE);
        }

        public Outcome(String txn, boolean committed, String reason, List<String> participants) {
            this(txn, committed, reason, participants, List.of(), Messages.NONE);
        }
    }

    /**
     * Every protocol message about one transaction that its coordinator sent or received from its first
     * vote-request until its decision was logged, by the notes' name: vote-request, precommit and the state-reply
     * to a participant's question (sent); vote-commit, vote-abort, precommit-ack, a participant's state-request
     * (received); and after a restart in PRECOMMIT, the state-requests it sends and the state-replies and a
     * terminating participant's global-commit/global-abort it receives. Retransmissions and duplicates count each
     * time; a message lost on the way counts as sent, not as received. Not counted: the decision's global-commit or
     * global-abort and their acknowledgements (they come after it), views, and what an earlier incarnation of a
     * coordinator that restarted before the decision sent (those counts were in memory). Fault-free, with n
     * participants: 2PC 2n (n vote-requests, n votes), 3PC 4n (and n precommits, n precommit-acks).
     */
    public record Messages(long count, Map<String, Long> byType) {
        public static final Messages NONE = new Messages(0, Map.of());

        public Messages {
            byType = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(byType)); // in name order, as JSON too
        }

        public static Messages of(Map<String, Long> byType) {
            return new Messages(byType.values().stream().mapToLong(Long::longValue).sum(), byType);
        }
    }
}
