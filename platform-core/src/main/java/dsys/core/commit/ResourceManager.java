package dsys.core.commit;

import java.util.List;

/**
 * A participant's local data under strict two-phase locking: prepare takes every key's lock and writes the
 * intents durably (in the same step as the vote, so both survive a crash or neither matters); commit applies
 * the intents and releases the locks; abort drops them. Commit and abort are idempotent and accept a
 * transaction they do not know (a decision that came twice, or for a transaction never prepared here).
 */
public interface ResourceManager {

    /**
     * Locks and records the operations, then calls {@code done} once, on the core's thread, with null (every
     * operation can be done and is now locked and recorded) or why not (nothing is kept). A store whose writes
     * take rounds of their own (the quorum KV's registers) answers later; a local one at once.
     */
    void prepare(String txn, List<TxnOp> ops, java.util.function.Consumer<String> done);

    void commit(String txn);

    /**
     * What the {@code get} operations of {@code txn} read, once prepare said yes; kept durably with the prepared
     * record until the transaction ends, so a repeated vote (after a crash too) carries the same reads.
     */
    default java.util.List<TxnRead> reads(String txn) {
        return java.util.List.of();
    }

    /** Not called while {@code txn}'s prepare is still running: the participant ends it once prepare has answered. */
    void abort(String txn);

    /** After a crash: rebuild what is kept in memory (the locks) from storage. */
    void recover();

    /**
     * Transactions prepared here whose end was not applied yet (read from storage): at start the participant ends
     * each as its log says, and aborts those it has no vote logged for (a crash came between the locks and the vote).
     */
    java.util.Set<String> prepared();

    /** Whether {@code txn} is among {@link #prepared()}: its end not applied yet. Override where that is one read. */
    default boolean holds(String txn) {
        return prepared().contains(txn);
    }

    /**
     * How an asynchronous resource manager hands its answer back to the participant's own thread: the host delivers
     * it as a request ({@code CoreHost.tell}), or the resource manager sets it as a timer ({@code Env.after}), and the
     * participant runs it.
     */
    record Completion(Runnable then) {
    }

    /** Keys locked now, with the transaction holding each (for views and the tests' "nothing left locked"). */
    java.util.Map<String, String> locks();
}
