package dsys.kv.txn.api;

import dsys.kv.api.KvHost;
import dsys.kv.api.LockResolver;
import dsys.kv.quorum.KvRequests;
import dsys.platform.commit.RecentDecisions;
import dsys.platform.web.ProblemException;
import io.micrometer.core.instrument.Counter;

import java.util.concurrent.CompletableFuture;

/**
 * Lock resolution, as Percolator's readers do it: a key's lock whose holder has ended elsewhere (its decision is on
 * the topic, {@link RecentDecisions}) while its own participant is down or slow is released from here with that
 * outcome. The lock carries the intent in the key's replicated register, so any node can apply or drop it; a release
 * the holder's node sends later finds nothing left to do. An undecided holder is never touched (2PC blocks there).
 */
public final class DecidedLocks implements LockResolver {

    private final RecentDecisions decisions;
    private final KvHost kv;
    private final Counter resolved;

    DecidedLocks(RecentDecisions decisions, KvHost kv, Counter resolved) {
        this.decisions = decisions;
        this.kv = kv;
        this.resolved = resolved;
    }

    /** The holder's outcome as read here (TRUE commit, FALSE abort), null when unknown. */
    Boolean outcome(String holder) {
        return holder == null ? null : decisions.outcome(holder);
    }

    /**
     * An outcome this node's participant knows first hand (its decision came, or it voted vote-abort): readers here
     * resolve the transaction's locks with it while their release waits to ride on the keys' next locks.
     */
    void learned(String txn, boolean commit) {
        decisions.record(txn, commit);
    }

    /** Applies {@code holder}'s release of {@code key} with its known outcome; completes when a quorum answered. */
    CompletableFuture<Object> release(String keyspace, String key, String holder, boolean commit) {
        return kv.call(keyspace, new KvRequests.Release(key, holder, commit), Object.class).whenComplete((v, t) -> {
            if (t == null) resolved.increment();
        });
    }

    @Override
    public CompletableFuture<Boolean> resolve(String keyspace, String key, ProblemException locked) {
        String holder = locked.status() == 409 ? WaitDie.holder(locked.getMessage()) : null;
        Boolean commit = outcome(holder);
        if (commit == null) return CompletableFuture.completedFuture(false);
        return release(keyspace, key, holder, commit).handle((v, t) -> t == null);
    }
}
