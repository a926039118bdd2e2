package dsys.kv.sim;

import dsys.core.node.NodeId;
import dsys.kv.quorum.KeyspaceConfig;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The keyspace configurations the simulations run: node count and how votes and quorums are set. */
public enum Configurations {
    /** N=3, one vote each, V_r = V_w = 2: the default keyspace. */
    MAJORITY_3(3, ns -> KeyspaceConfig.majority("default", ns)),
    /** N=5, V_r = V_w = 3. */
    MAJORITY_5(5, ns -> KeyspaceConfig.majority("default", ns)),
    /** N=5 with votes 3,2,1,1,1 (V=8), V_r = 4, V_w = 5: kv-1 with kv-2 form a write quorum alone. */
    WEIGHTED_5(5, ns -> new KeyspaceConfig("weighted", ns,
            Map.of(ns.get(0), 3, ns.get(1), 2, ns.get(2), 1, ns.get(3), 1, ns.get(4), 1), 4, 5)),
    /** N=3 with votes 2,1,1 (V=4), V_r = 2, V_w = 3: kv-1 alone is a read quorum. */
    WEIGHTED_3(3, ns -> new KeyspaceConfig("weighted", ns, Map.of(ns.get(0), 2, ns.get(1), 1, ns.get(2), 1), 2, 3)),
    /** Read-one-write-all on N=3. */
    ROWA_3(3, ns -> KeyspaceConfig.rowa("rowa", ns));

    public final int nodes;
    public final Function<List<NodeId>, KeyspaceConfig> config;

    Configurations(int nodes, Function<List<NodeId>, KeyspaceConfig> config) {
        this.nodes = nodes;
        this.config = config;
    }
}
