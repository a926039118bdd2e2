package dsys.kv.quorum;

/** Client requests to a node's quorum store; any node coordinates any of them. */
public final class KvRequests {

    private KvRequests() {
    }

    public record Get(String key, ReadLevel level) {
    }

    /**
     * Writes {@code value}; {@code ifMatch} null writes unconditionally, a version writes only if that is the
     * current version of a present value (compare-and-set), {@link Ballot#ZERO} only if the key is absent.
     */
    public record Put(String key, String value, Ballot ifMatch) {
    }

    /** Writes a death certificate; {@code ifMatch} as for {@link Put}. */
    public record Delete(String key, Ballot ifMatch) {
    }

    /**
     * Atomic commit's prepare at this key: transaction {@code txn} locks it with {@code kind} 'p' (will put
     * {@code intent}), 'd' (will delete) or 'g' (read only), if no other transaction holds it and {@code ifMatch}
     * (as for {@link Put}) holds. 409 key-locked, 412 precondition-failed otherwise.
     */
    public record Lock(String key, String txn, char kind, String intent, Ballot ifMatch) {
    }

    /**
     * A put's lock whose value comes from what the key holds when the lock is taken ({@link Derivation}: an add),
     * under {@code ifMatch} as for {@link Lock}. 412 with the derivation's refusal when it refuses.
     */
    public record LockDerived(String key, String txn, Derivation derivation, Ballot ifMatch) {
    }

    /** Ends transaction {@code txn}'s lock on the key: {@code commit} applies its intent, else it is dropped. */
    public record Release(String key, String txn, boolean commit) {
    }

    /**
     * {@code release} and then {@code lock} ({@link Lock} or {@link LockDerived}) of the same key, in one round: a
     * participant's deferred release rides on the key's next lock. The release goes even when the lock is refused;
     * the answer is the lock's.
     */
    public record ReleaseThenLock(Release release, Object lock) {
        public String key() {
            return release.key();
        }
    }

    /** Whether {@code body} is one of atomic commit's requests, which only quorum keyspaces take. */
    public static boolean transactional(Object body) {
        return body instanceof Lock || body instanceof LockDerived || body instanceof Release || body instanceof ReleaseThenLock;
    }

    /** What this node's replica holds for {@code key} (to show divergence); no messages. */
    public record Inspect(String key) {
    }

    /** What every replica of the keyspace holds for {@code key}, asked over the network ({@link ReplicaSurvey}). */
    public record Replicas(String key) {
    }

    /** This node's counters. */
    public record Stats() {
    }
}
