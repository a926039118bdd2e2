package dsys.kv.mode;

import dsys.core.env.Core;
import dsys.kv.quorum.ChosenListener;
import dsys.kv.quorum.KeyspaceConfig;
import dsys.kv.quorum.QuorumSettings;

/**
 * One node's part of a keyspace, whatever its replication mode: it answers the client requests of
 * {@link dsys.kv.quorum.KvRequests} with the replies of {@link dsys.kv.quorum.KvReplies}, so the REST API, watch,
 * ETags and {@code /replicas} are the same for every mode. Requests a mode does not serve (atomic commit's locks
 * outside the quorum mode) are answered with a 400 that says which mode does.
 */
public interface KvCore extends Core {

    /** Whether this node's replica holds {@code key} (a value or a death certificate); read in the serial section. */
    boolean holds(String key);

    /** Death certificates this node's replica holds (0 without a replica). */
    int tombstones();

    /**
     * This node's view of the roles in the keyspace (chain: the epoch, the chain from head to tail, whether this node
     * serves reads); empty for a mode without roles. Shown by {@code GET /api/kv/keyspaces} as the answering node sees it.
     */
    default java.util.Map<String, Object> roles() {
        return java.util.Map.of();
    }

    /** The name a client request's operation is counted under in the stats (get, put, cas, delete, list). */
    static String operation(Object body) {
        if (body instanceof dsys.kv.quorum.KvRequests.Get) return "get";
        if (body instanceof dsys.kv.quorum.KvRequests.Put p) return p.ifMatch() == null ? "put" : "cas";
        if (body instanceof dsys.kv.quorum.KvRequests.Delete d) return d.ifMatch() == null ? "delete" : "cas";
        return "list";
    }

    /** Makes a mode's core for one node: the mode is a keyspace's {@code mode}, its constructor is the factory. */
    @FunctionalInterface
    interface Factory {
        KvCore create(dsys.core.env.Env env, KeyspaceConfig config, QuorumSettings settings, ChosenListener listener);
    }
}
