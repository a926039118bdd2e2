package dsys.core.commit;

import dsys.core.message.Message;

import java.util.List;

/** What coordinators and participants send each other (the notes' names in comments). */
public final class CommitMessages {

    private CommitMessages() {
    }

    /**
     * Phase 1a, vote-request (3PC: CanCommit): the operations for the receiver, and who else takes part. {@code ended}:
     * earlier transactions of the receiver's that every participant has acknowledged since, which it may forget.
     */
    public record VoteRequest(String txn, String protocol, String coordinator, List<String> participants,
                              List<TxnOp> ops, List<String> ended) implements Message {
        public VoteRequest {
            ended = ended == null ? List.of() : List.copyOf(ended);
        }

        public VoteRequest(String txn, String protocol, String coordinator, List<String> participants, List<TxnOp> ops) {
            this(txn, protocol, coordinator, participants, ops, List.of());
        }
    }

    /**
     * Phase 1b: vote-commit ({@code commit} true) or vote-abort, with why; a vote-commit carries its gets' reads.
     * {@code acked}: earlier transactions of the receiver's whose decision the sender has logged since, acknowledged
     * here instead of in a {@link DecisionAck} of their own.
     */
    public record Vote(String txn, boolean commit, String reason, List<TxnRead> reads, List<String> acked) implements Message {
        public Vote {
            reads = reads == null ? List.of() : List.copyOf(reads);
            acked = acked == null ? List.of() : List.copyOf(acked);
        }

        public Vote(String txn, boolean commit, String reason, List<TxnRead> reads) {
            this(txn, commit, reason, reads, List.of());
        }

        public Vote(String txn, boolean commit, String reason) {
            this(txn, commit, reason, List.of());
        }
    }

    /** 3PC phase 2: every vote was vote-commit; move to PRECOMMIT and acknowledge. */
    public record PreCommit(String txn) implements Message {
    }

    public record PreCommitAck(String txn) implements Message {
    }

    /**
     * global-commit / global-abort (3PC: DoCommit or abort); acknowledged so the sender can stop repeating it.
     * {@code coordinator}: the transaction's coordinator, also when a participant elected by 3PC's termination
     * sends it: a receiver that had no record of the transaction keeps it until that coordinator reports it ended.
     */
    public record Decision(String txn, boolean commit, String coordinator) implements Message {
        public Decision {
            coordinator = coordinator == null ? "" : coordinator;
        }
    }

    /** {@code also}: more decisions acknowledged in the same message (those no vote took along in time). */
    public record DecisionAck(String txn, List<String> also) implements Message {
        public DecisionAck {
            also = also == null ? List.of() : List.copyOf(also);
        }

        public DecisionAck(String txn) {
            this(txn, List.of());
        }
    }

    /**
     * Termination: what state are you in for {@code txn}? A participant that never voted aborts and says so, and
     * keeps that abort until {@code coordinator} (the transaction's, as the asker knows it; null or empty: unknown)
     * reports the transaction ended, as for any decided one; with no coordinator to ask it would keep it for good.
     */
    public record StateRequest(String txn, String coordinator) implements Message {
        public StateRequest {
            coordinator = coordinator == null ? "" : coordinator;
        }
    }

    public record StateReply(String txn, TxnState state) implements Message {
    }

    /** For a view only (no side effect, unlike {@link StateRequest}): what have you logged for {@code txn}? */
    public record ViewRequest(String txn, long view) implements Message {
    }

    /** The participant's log record of {@code txn} (null: none) and the keys it holds locked for it. */
    public record ViewReply(String txn, long view, String record, List<String> locked) implements Message {
    }

    /**
     * A participant asks a coordinator which of these decided transactions ended: the reports that came with
     * vote-requests were lost with a crash of either side, or never came.
     */
    public record EndedQuery(List<String> txns) implements Message {
        public EndedQuery {
            txns = txns == null ? List.of() : List.copyOf(txns);
        }
    }

    /**
     * Those of the question's that are not open at the coordinator: ended (every participant acknowledged the
     * decision), or gone from its log, which only ended ones leave.
     */
    public record EndedReply(List<String> txns) implements Message {
        public EndedReply {
            txns = txns == null ? List.of() : List.copyOf(txns);
        }
    }

    /** The notes' name of a protocol message (as an outcome's {@code messages} counts it); null for the views'. */
    static String name(Message m) {
        if (m instanceof VoteRequest) return "vote-request";
        if (m instanceof Vote v) return v.commit() ? "vote-commit" : "vote-abort";
        if (m instanceof PreCommit) return "precommit";
        if (m instanceof PreCommitAck) return "precommit-ack";
        if (m instanceof Decision d) return d.commit() ? "global-commit" : "global-abort";
        if (m instanceof DecisionAck) return "decision-ack";
        if (m instanceof StateRequest) return "state-request";
        if (m instanceof StateReply) return "state-reply";
        return null;
    }

    /** The transaction a protocol message is about (null for the views'). */
    static String txn(Message m) {
        if (m instanceof VoteRequest v) return v.txn();
        if (m instanceof Vote v) return v.txn();
        if (m instanceof PreCommit p) return p.txn();
        if (m instanceof PreCommitAck a) return a.txn();
        if (m instanceof Decision d) return d.txn();
        if (m instanceof DecisionAck a) return a.txn();
        if (m instanceof StateRequest r) return r.txn();
        if (m instanceof StateReply r) return r.txn();
        return null;
    }
}
