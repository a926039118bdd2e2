package dsys.txn.api;

import dsys.core.commit.CommitCoordinator;
import dsys.core.commit.CommitRequests;
import dsys.platform.host.CoreHost;
import dsys.platform.host.CoreHosts;
import dsys.core.commit.CommitTimeouts;
import dsys.core.commit.DecisionTopic;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** The controller's handle on this node's coordinator core, core group {@value #GROUP}. */
public final class TxnHost {

    /** The participants host their cores in the same group: messages go to the core of the same group. */
    public static final String GROUP = "commit";
    private static final Duration QUICK = Duration.ofSeconds(2);

    private final CoreHost host;

    TxnHost(CoreHosts hosts, CommitTimeouts timeouts, DecisionTopic topic, int endedInMemory, long retainedEnded) {
        this.host = hosts.start(GROUP, env -> new CommitCoordinator(env, timeouts, topic, endedInMemory, retainedEnded));
    }

    /** The outcome once decided; a 504 problem when not decided within {@code timeout} (it may still be). */
    CompletableFuture<CommitRequests.Outcome> begin(CommitRequests.Begin b, Duration timeout) {
        return host.callAsync(b, timeout).thenApply(CommitRequests.Outcome.class::cast);
    }

    /** The coordinator's view; a 404 problem for a transaction it does not know. */
    CompletableFuture<CommitCoordinator.View> inspect(String txn) {
        return host.callAsync(new CommitRequests.Inspect(txn), QUICK).thenApply(CommitCoordinator.View.class::cast);
    }

    /** A read-only query of the core, in the node's serial section (tests, views). */
    <T> T read(Function<CommitCoordinator, T> query) {
        return host.read(core -> query.apply((CommitCoordinator) core));
    }
}
