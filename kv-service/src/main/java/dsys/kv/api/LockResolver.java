package dsys.kv.api;

import dsys.platform.web.ProblemException;

import java.util.concurrent.CompletableFuture;

/**
 * Lock resolution for plain reads and writes: a 409 key-locked whose holder has ended elsewhere is not the client's
 * problem. The transaction participant ({@code dsys.kv.txn.api}) provides it; without one, locks are only waited for.
 */
public interface LockResolver {

    /**
     * Completes true once the release of the transaction {@code locked} names is applied (its outcome is known here),
     * false when it is not known (the holder is undecided, or ended too long ago).
     */
    CompletableFuture<Boolean> resolve(String keyspace, String key, ProblemException locked);

    LockResolver NONE = (keyspace, key, locked) -> CompletableFuture.completedFuture(false);
}
