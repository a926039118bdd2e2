package dsys.kv.api;

import dsys.kv.quorum.AcceptorState;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.KeyspaceConfig;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.KvRequests;
import dsys.kv.quorum.QuorumStore;
import dsys.kv.quorum.ReadLevel;
import dsys.platform.host.CoreHost;
import dsys.platform.web.ProblemException;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The keyspace table, kept as one CASPaxos register ({@link #KEY}) of the reserved {@code system} keyspace, which
 * every member replicates with majority quorums: so the table is durable and agreed like any value, a creation
 * is a compare-and-set on the version read (two admins creating at once cannot both win on a stale table), and
 * a node that was down when a keyspace was created reads it afterwards like any other key.
 */
final class KeyspaceCatalog {

    static final String SYSTEM = "system";
    static final String KEY = "keyspaces";
    /** Compare-and-set attempts of one creation racing other creations before it gives up with 409. */
    private static final int ATTEMPTS = 5;

    /** The keyspace as agreed, and whether this call added it (false: it existed with this configuration). */
    record Added(KeyspaceConfig config, boolean created) {
    }

    private final CoreHost system;
    private final Duration timeout;

    KeyspaceCatalog(CoreHost system, Duration timeout) {
        this.system = system;
        this.timeout = timeout;
    }

    /** At start the read queues behind every core loading its state, on a host that is starting all its JVMs. */
    static final Duration START_WAIT = Duration.ofSeconds(60);

    /** The table as agreed now: a linearizable read of the register (it fails with 503/504 without a quorum). */
    CompletableFuture<KeyspaceTable> read() {
        return system.callAsync(new KvRequests.Get(KEY, ReadLevel.LINEARIZABLE), timeout)
                .thenApply(r -> (KvReplies.Value) r)
                .thenApply(v -> v.found() ? KeyspaceTable.decode(v.version(), v.value()) : KeyspaceTable.EMPTY);
    }

    /**
     * What this node's own replica holds as chosen, without messages: at start, before a quorum may be up. Chosen
     * states only, so nothing that might still be lost is started; the table only grows, so it is a lower bound.
     */
    KeyspaceTable local() {
        AcceptorState s = system.read(core -> ((QuorumStore) core).replicaState(KEY), START_WAIT);
        return s == null || !s.committed() || !s.content().present() ? KeyspaceTable.EMPTY
                : KeyspaceTable.decode(s.content().version(), s.content().value());
    }

    /** Adds {@code c} by compare-and-set on the table just read; 409 if the name is taken by another configuration. */
    CompletableFuture<Added> add(KeyspaceConfig c) {
        return attempt(c, 1);
    }

    private CompletableFuture<Added> attempt(KeyspaceConfig c, int n) {
        return read().thenCompose(table -> {
            KeyspaceTable.Entry existing = table.find(c.name());
            if (existing != null) {
                if (existing.config().equals(c)) return CompletableFuture.completedFuture(new Added(c, false));
                throw new ProblemException(409, "keyspace-exists", "Keyspace exists", "keyspace '" + c.name()
                        + "' exists with another configuration: " + existing.config());
            }
            Ballot ifMatch = table.version().zero() ? Ballot.ZERO : table.version();
            return system.callAsync(new KvRequests.Put(KEY, table.with(c).encode(), ifMatch), timeout)
                    .thenApply(w -> new Added(c, true))
                    .exceptionallyCompose(t -> {
                        Throwable e = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
                        // 412: another creation came first; 504: ours may have gone in. Either way: read again.
                        boolean again = e instanceof ProblemException p && (p.status() == 412 || p.status() == 504);
                        if (!again) return CompletableFuture.failedFuture(e);
                        if (n >= ATTEMPTS) {
                            return CompletableFuture.failedFuture(new ProblemException(409, "keyspace-table-busy",
                                    "Keyspace table busy", "the keyspace table changed under " + ATTEMPTS
                                    + " attempts to add '" + c.name() + "' (" + e.getMessage() + "); try again"));
                        }
                        return attempt(c, n + 1);
                    });
        });
    }
}
