package dsys.kv.api;

import dsys.kv.quorum.QuorumSettings;
import dsys.platform.host.CoreHost;
import dsys.platform.web.ProblemException;

import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/** The controller's handle on this node's keyspace cores. */
public final class KvHost {

    /** On top of the core's own deadline, after which it answers 503/504 itself. */
    private static final Duration SLACK = Duration.ofSeconds(2);

    private final Map<String, CoreHost> keyspaces;
    private final Duration timeout;

    KvHost(Map<String, CoreHost> keyspaces, QuorumSettings settings) {
        this.keyspaces = Map.copyOf(keyspaces);
        this.timeout = Duration.ofMillis(settings.deadlineMs()).plus(SLACK);
    }

    /** Asks the keyspace's core; a Rejection arrives as a failed future with a ProblemException of its status. */
    public <T> CompletableFuture<T> call(String keyspace, Object request, Class<T> type) {
        return host(keyspace).callAsync(request, timeout).thenApply(type::cast);
    }

    private CoreHost host(String keyspace) {
        CoreHost h = keyspaces.get(keyspace);
        if (h == null) {
            throw new ProblemException(404, "no-such-keyspace", "No such keyspace", "keyspace '" + keyspace
                    + "' does not exist; this node serves " + new TreeSet<>(keyspaces.keySet()));
        }
        return h;
    }

    public java.util.Set<String> keyspaces() {
        return new TreeSet<>(keyspaces.keySet());
    }
}
