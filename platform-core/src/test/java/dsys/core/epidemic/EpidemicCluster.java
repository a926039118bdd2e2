package dsys.core.epidemic;

import dsys.core.node.NodeId;
import dsys.core.sim.SimRequest;
import dsys.core.sim.Simulation;

import java.time.Duration;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.IntStream;

/** n simulated replicas epi-1..n running {@link EpidemicNode}, with helpers to write and to read their disks. */
final class EpidemicCluster {

    final Simulation sim;
    final List<NodeId> nodes;
    /** How many times nodes newly took an update of each key (a learning node counts once per version). */
    final java.util.Map<String, Integer> learned = new java.util.HashMap<>();

    EpidemicCluster(long seed, int n, EpidemicSettings settings, boolean large) {
        sim = new Simulation(seed);
        nodes = IntStream.rangeClosed(1, n).mapToObj(i -> NodeId.of("epi-" + i)).toList();
        for (NodeId id : nodes) sim.add(id, env -> new EpidemicNode(env, settings, nodes, large,
                u -> learned.merge(u.key(), 1, Integer::sum)));
    }

    EpidemicNode node(NodeId n) {
        return (EpidemicNode) sim.core(n);
    }

    SimRequest write(NodeId at, String key, String value) {
        return sim.request(at, new EpidemicNode.Write(key, value));
    }

    SimRequest delete(NodeId at, String key) {
        return sim.request(at, new EpidemicNode.Delete(key));
    }

    /** Runs until {@code r} is answered and returns its update. */
    Update await(SimRequest r) {
        if (!sim.runUntil(r::finished, Duration.ofSeconds(1)) || !(r.result() instanceof Update u)) {
            throw new AssertionError("no update from " + r);
        }
        return u;
    }

    /** What {@code n}'s disk holds, read back by a fresh replica object (not the running core's memory). */
    EpidemicReplica disk(NodeId n) {
        EpidemicReplica r = new EpidemicReplica(sim.storage(n), EpidemicNode.PREFIX);
        r.load(0);
        return r;
    }

    /** The values (death certificates left out: they expire at different times) on {@code n}'s disk. */
    SortedMap<String, Update> values(NodeId n) {
        SortedMap<String, Update> out = new TreeMap<>();
        disk(n).items().forEach((k, u) -> {
            if (!u.deathCertificate()) out.put(k, u);
        });
        return out;
    }

    /** Nodes whose disk holds {@code key} at {@code version} or newer (a value or a certificate, active or dormant). */
    long holding(String key, Update u) {
        return nodes.stream().filter(n -> {
            EpidemicReplica r = disk(n);
            Update held = r.get(key) != null ? r.get(key) : r.dormant(key);
            return held != null && held.version().compareTo(u.version()) >= 0;
        }).count();
    }

    boolean rumorsActive() {
        return nodes.stream().anyMatch(n -> sim.isUp(n) && node(n).epidemic.rumors().active());
    }
}
