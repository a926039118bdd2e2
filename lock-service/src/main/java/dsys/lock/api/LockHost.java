package dsys.lock.api;

import dsys.lock.node.LockConfig;
import dsys.lock.node.LockNodeCore;
import dsys.lock.node.LockRequests;
import dsys.platform.host.CoreHost;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** The controllers' handle on this node's lock core. */
public final class LockHost {

    /** On top of a request's own wait: room for the algorithm's messages before the call gives up (504). */
    static final Duration SLACK = Duration.ofSeconds(3);

    private final CoreHost host;
    private final LockConfig config;

    LockHost(CoreHost host, LockConfig config) {
        this.host = host;
        this.config = config;
    }

    /** Quick answers go out on the request thread (platform-core's PromptAnswers), slow ones asynchronously. */
    public <T> CompletableFuture<T> call(Object request, Duration wait, Class<T> type) {
        return host.callAsync(request, wait.plus(SLACK)).thenApply(type::cast);
    }

    public LockNodeCore.NodeView view() {
        return host.read(core -> ((LockNodeCore) core).view());
    }

    /**
     * Graceful stop (Spring calls it on shutdown, before the node's runtime closes): the tallies are saved marked
     * complete. A node already crashed or stopped keeps its last periodic save.
     */
    public void close() {
        try {
            host.call(new LockRequests.SaveStats(), Duration.ofSeconds(2));
        } catch (RuntimeException gone) {
            // nothing more to save than the periodic snapshot
        }
    }

    public LockConfig config() {
        return config;
    }
}
