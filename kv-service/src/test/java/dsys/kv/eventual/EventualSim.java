package dsys.kv.eventual;

import dsys.core.env.Env;
import dsys.core.env.ForwardingEnv;
import dsys.core.env.RequestId;
import dsys.core.epidemic.EpidemicReplica;
import dsys.core.epidemic.Update;
import dsys.core.node.NodeId;
import dsys.core.sim.SimRequest;
import dsys.core.sim.Simulation;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.KeyspaceConfig;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.KvRequests;
import dsys.kv.quorum.QuorumSettings;
import dsys.kv.quorum.Versioned;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * A simulated eventual keyspace "ev": replicas kv-1..r, and kv-(r+1).. that hold none (they forward). At each
 * acknowledgement of a write it checks that the answering replica's disk already holds it; it records what each
 * node's {@link dsys.kv.quorum.ChosenListener} heard. Replica states are read from the disks by fresh replica
 * objects, not asked of the cores.
 */
final class EventualSim {

    static final String KEYSPACE = "ev";

    final Simulation sim;
    final List<NodeId> nodes;
    final List<NodeId> replicas;
    final KeyspaceConfig config;
    final Map<NodeId, List<Versioned>> heard = new TreeMap<>();

    EventualSim(long seed, int replicaCount, int others, QuorumSettings settings) {
        sim = new Simulation(seed);
        nodes = IntStream.rangeClosed(1, replicaCount + others).mapToObj(i -> NodeId.of("kv-" + i)).toList();
        replicas = nodes.subList(0, replicaCount);
        config = KeyspaceConfig.majority(KEYSPACE, replicas);
        for (NodeId id : nodes) {
            List<Versioned> h = heard.computeIfAbsent(id, x -> new ArrayList<>());
            sim.add(id, env -> new EventualStore(new DurableAcks(env), config, settings, (key, v) -> h.add(v)));
        }
    }

    /** Acknowledged ⇒ durable: a replica's Written is on its disk (this or a later version) when it is sent. */
    private final class DurableAcks extends ForwardingEnv {
        DurableAcks(Env env) {
            super(env);
        }

        @Override
        public void reply(RequestId request, Object result) {
            if (result instanceof KvReplies.Written w && config.isReplica(self())) {
                Update held = disk(self()).get(w.key());
                if (held == null || held.version().time() < w.version().counter()) {
                    throw new AssertionError("acknowledged " + w + " but the disk of " + self() + " holds " + held);
                }
            }
            super.reply(request, result);
        }
    }

    NodeId node(int i) {
        return nodes.get(i - 1);
    }

    SimRequest put(NodeId at, String key, String value) {
        return sim.request(at, new KvRequests.Put(key, value, null));
    }

    SimRequest cas(NodeId at, String key, String value, Ballot ifMatch) {
        return sim.request(at, new KvRequests.Put(key, value, ifMatch));
    }

    SimRequest delete(NodeId at, String key) {
        return sim.request(at, new KvRequests.Delete(key, null));
    }

    SimRequest get(NodeId at, String key) {
        return sim.request(at, new KvRequests.Get(key, null));
    }

    Object await(SimRequest r) {
        if (!sim.runUntil(r::finished, Duration.ofSeconds(5))) throw new AssertionError("no answer: " + r);
        if (r.crashed()) throw new AssertionError("node crashed: " + r);
        return r.result();
    }

    KvReplies.Written written(SimRequest r) {
        Object o = await(r);
        if (!(o instanceof KvReplies.Written w)) throw new AssertionError("not written: " + o);
        return w;
    }

    KvReplies.Value value(SimRequest r) {
        Object o = await(r);
        if (!(o instanceof KvReplies.Value v)) throw new AssertionError("no value: " + o);
        return v;
    }

    /** {@code n}'s replica as its disk holds it. */
    EpidemicReplica disk(NodeId n) {
        EpidemicReplica r = new EpidemicReplica(sim.storage(n), EventualStore.storagePrefix(KEYSPACE));
        r.load(0);
        return r;
    }

    /** The values on {@code n}'s disk, key → "value@version" (death certificates, which expire, left out). */
    SortedMap<String, String> values(NodeId n) {
        SortedMap<String, String> out = new TreeMap<>();
        disk(n).items().forEach((k, u) -> {
            if (!u.deathCertificate()) out.put(k, u.value() + "@" + u.version().time() + "." + u.version().node());
        });
        return out;
    }

    /** Whether every replica's disk holds the same values. */
    boolean converged() {
        SortedMap<String, String> first = values(replicas.get(0));
        return replicas.stream().allMatch(n -> values(n).equals(first));
    }
}
