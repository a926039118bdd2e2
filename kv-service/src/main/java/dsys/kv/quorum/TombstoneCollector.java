package dsys.kv.quorum;

import dsys.core.env.Env;
import dsys.core.node.NodeId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Drops death certificates, never values: a chosen tombstone goes once it is older than the horizon and every
 * other replica is known (from anti-entropy) to hold the same chosen tombstone, or to have dropped it already.
 * Until then a stale replica that still holds the old value cannot bring the key back: every read quorum
 * contains a newer tombstone. What peers confirmed is kept in memory only; after a restart it is learned again.
 */
final class TombstoneCollector {

    private final Env env;
    private final KeyspaceConfig config;
    private final QuorumSettings settings;
    private final Replica replica;
    private final QuorumStats stats;
    /** key → peer → the accepted ballot of the chosen tombstone that peer was seen to hold. */
    private final Map<String, Map<NodeId, Ballot>> confirmed = new HashMap<>();

    TombstoneCollector(Env env, KeyspaceConfig config, QuorumSettings settings, Replica replica, QuorumStats stats) {
        this.env = env;
        this.config = config;
        this.settings = settings;
        this.replica = replica;
        this.stats = stats;
    }

    void confirm(String key, NodeId peer, Ballot accepted) {
        confirmed.computeIfAbsent(key, k -> new HashMap<>()).put(peer, accepted);
    }

    /** Equal bucket digests: {@code peer} holds what this replica holds in every bucket not listed. */
    void confirmAllBut(NodeId peer, Set<Integer> differing) {
        long now = env.clock().millis();
        for (String key : replica.chosenTombstones()) {
            Ballot accepted = replica.state(key).accepted();
            // A younger certificate cannot go yet, and the rounds after its horizon confirm it again: recording it
            // now cost every round a map entry per tombstone (8 % of a node's CPU with 16k fresh tombstones).
            if (!old(accepted, now)) continue;
            if (!differing.contains(replica.digests().bucketOf(key))) confirm(key, peer, accepted);
        }
    }

    private boolean old(Ballot accepted, long now) {
        return now - accepted.counter() >= settings.tombstoneHorizonMs();
    }

    static boolean isChosenTombstone(AcceptorState s) {
        return s.committed() && s.content().tombstone() && s.content().lock() == null; // a locked one may come back
    }

    /** Collects every tombstone that is old enough and held by all replicas. */
    void sweep() {
        long now = env.clock().millis();
        List<String> due = new ArrayList<>();
        for (String key : replica.chosenTombstones()) {
            AcceptorState s = replica.state(key);
            if (!old(s.accepted(), now)) continue;
            Map<NodeId, Ballot> peers = confirmed.getOrDefault(key, Map.of());
            boolean everywhere = config.replicas().stream()
                    .allMatch(r -> r.equals(env.self()) || s.accepted().equals(peers.get(r)));
            if (everywhere) due.add(key);
        }
        for (String key : due) {
            Versioned c = replica.state(key).content();
            replica.collect(key);
            confirmed.remove(key);
            stats.count("tombstones.collected");
            env.emit("kv.tombstone.collected", Map.of("key", key, "version", c.version().toString(),
                    "floor", replica.floor().toString()));
        }
    }
}
