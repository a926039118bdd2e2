package dsys.kv.quorum;

import dsys.core.env.Rejection;

import java.util.Map;

/** Answers of the quorum store, and the rejections it gives. */
public final class KvReplies {

    private KvReplies() {
    }

    /** {@code value} null: absent (never written or deleted); {@code messages}: this operation's, by type. */
    public record Value(String key, String value, Ballot version, String level, Map<String, Integer> messages) {
        public boolean found() {
            return value != null;
        }
    }

    public record Written(String key, Ballot version, boolean deleted, Map<String, Integer> messages) {
    }

    /** A replica's state of one key, as {@link KvRequests.Inspect} shows it. */
    public record ReplicaView(String node, String key, AcceptorState state) {
    }

    /**
     * One replica's state of a key as a {@link KvRequests.Replicas} survey found it; {@code answered} false: it did
     * not answer by the deadline (down, partitioned), and the rest is null.
     */
    public record ReplicaReport(String node, int votes, boolean answered, Ballot accepted, boolean chosen,
                                Versioned content) {
    }

    /** Every replica of the keyspace, in configuration order; {@code messages}: the survey's, by type. */
    public record Replicas(String key, java.util.List<ReplicaReport> replicas, Map<String, Integer> messages) {
    }

    /** If-Match did not hold: certainly not applied. */
    public static Rejection preconditionFailed(String key, Ballot expected, Versioned current) {
        return new Rejection(412, "precondition-failed", "Precondition failed", "'" + key + "' is "
                + (current.present() ? "at version " + current.version() : "absent")
                + ", the request expected " + (expected.zero() ? "it absent" : "version " + expected));
    }

    /** A transaction's lock whose intent could not be derived from the value (an add below 0, not a number). */
    public static Rejection refused(String key, String why) {
        return new Rejection(412, "lock-refused", "Lock refused", "'" + key + "': " + why);
    }

    /** A transaction holds the key (atomic commit's strict two-phase locking): wait for it to end, then retry. */
    public static Rejection locked(String key, Versioned.Lock lock) {
        // the first holder names the transaction (wait-die reads it from here); other readers are counted
        int others = lock.holders().size() - 1;
        return new Rejection(409, "key-locked", "Key locked", "'" + key + "' is locked by transaction " + lock.holders().get(0)
                + (lock.writes() ? " (it will write it)" : " (it read it" + (others == 0 ? ")" : "; " + others + " more reading)"))
                + " until that transaction commits or aborts; retry then");
    }

    /** No quorum in time, and nothing was proposed: certainly not applied; safe to retry. */
    public static Rejection unavailable(String key, String detail) {
        return new Rejection(503, "quorum-unavailable", "Quorum unavailable", "'" + key + "': " + detail);
    }

    /** A write was proposed but not confirmed in time: it may or may not take effect; read before retrying. */
    public static Rejection outcomeUnknown(String key, String detail) {
        return new Rejection(504, "outcome-unknown", "Outcome unknown", "'" + key + "': " + detail
                + "; the write may still take effect: read the key before retrying");
    }
}
