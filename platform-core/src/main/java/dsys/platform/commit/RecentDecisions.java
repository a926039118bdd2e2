package dsys.platform.commit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcomes this node read lately from the decisions topic, of every transaction, not only those it takes part
 * in. A participant that finds a key locked by a transaction that has ended elsewhere ends that lock itself with
 * the logged outcome (lock resolution, as Percolator's readers do) instead of waiting for the holder's node to
 * come back: the lock and its intent live in the key's replicated register, so any node can apply or drop them.
 * Bounded: the oldest outcomes go first; a holder older than that waits for its own node as before.
 */
public final class RecentDecisions {

    public static final int CAPACITY = 50_000;

    private final Map<String, Boolean> outcomes = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > CAPACITY;
        }
    };

    public synchronized void record(String txn, boolean commit) {
        outcomes.put(txn, commit);
    }

    /** TRUE committed, FALSE aborted, null: not read here (undecided, or too long ago). */
    public synchronized Boolean outcome(String txn) {
        return outcomes.get(txn);
    }
}
