package dsys.lock.api;

import dsys.lock.node.LockConfig;
import dsys.lock.node.LockNodeCore;
import dsys.platform.host.CoreHost;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

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

    public <T> CompletableFuture<T> call(Object request, Duration wait, Class<T> type) {
        return host.callAsync(request, wait.plus(SLACK)).thenApply(type::cast);
    }

    /**
     * Waits on the request thread. For calls that never queue behind other clients (renew, release, inspect): an
     * async answer makes the servlet container dispatch the request a second time (filters, handler lookup),
     * measured at ~13 % of a lock node's CPU under load, while these answers come within milliseconds.
     */
    public <T> T await(Object request, Duration wait, Class<T> type) {
        try {
            return call(request, wait, type).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    public LockNodeCore.NodeView view() {
        return host.read(core -> ((LockNodeCore) core).view());
    }

    public LockConfig config() {
        return config;
    }
}
