package dsys.platform.checkpoint;

import dsys.core.checkpoint.live.CheckpointInitiator;
import dsys.core.checkpoint.live.Codec;
import dsys.core.checkpoint.live.Views;
import dsys.core.node.NodeId;
import dsys.platform.host.CoreHost;
import dsys.platform.host.CoreHosts;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the {@link CheckpointInitiator} on this node, in the checkpointed cores' group (messages go to the core of
 * the same group on the other node), and is the controller's handle on it.
 */
public final class CheckpointsHost {

    private final CoreHost host;
    private final Duration timeout;

    public CheckpointsHost(CoreHosts hosts, CheckpointProperties p, Codec codec) {
        var timing = p.toTiming();
        var nodes = p.getNodes().stream().filter(s -> !s.isBlank()).map(NodeId::of).toList();
        this.timeout = timing.longest();
        this.host = hosts.start(p.getGroup(), env -> new CheckpointInitiator(env, nodes, codec, timing, p.getKeep()));
    }

    CompletableFuture<Views.GlobalCheckpoint> take(String algorithm) {
        return host.callAsync(new Views.Take(algorithm), timeout).thenApply(Views.GlobalCheckpoint.class::cast);
    }

    CompletableFuture<Views.RestoreOutcome> restore(String id) {
        return host.callAsync(new Views.Restore(id), timeout).thenApply(Views.RestoreOutcome.class::cast);
    }

    CompletableFuture<Views.Listing> list() {
        return host.callAsync(new Views.ListAll(), Duration.ofSeconds(5)).thenApply(Views.Listing.class::cast);
    }

    CompletableFuture<Views.GlobalCheckpoint> get(String id) {
        return host.callAsync(new Views.Get(id), Duration.ofSeconds(5)).thenApply(Views.GlobalCheckpoint.class::cast);
    }
}
