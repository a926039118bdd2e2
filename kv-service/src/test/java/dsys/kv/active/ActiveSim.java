package dsys.kv.active;

import dsys.core.env.Durable;
import dsys.core.env.Env;
import dsys.core.env.ForwardingEnv;
import dsys.core.node.NodeId;
import dsys.kv.quorum.KeyspaceConfig;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.QuorumSettings;
import dsys.kv.quorum.Versioned;
import dsys.kv.sim.KvSim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A simulated active keyspace "act" on kv-1..n whose first {@code replicas} nodes hold a replica (the rest forward).
 * The oracle does not ask the cores: it watches each node's disk, recording every write of the replica's
 * "applied" record (one per write applied, in the step it is applied), so {@link #applied} is each replica's
 * sequence of applied operations as its disk went through them; {@link #data} reads a replica's keys from its disk.
 * Every acknowledged Written is collected, and checked to be on the answering replica's disk when it is sent.
 */
final class ActiveSim {

    static final String KEYSPACE = "act";

    final KvSim kv;
    final List<NodeId> replicas;
    final Map<NodeId, List<String>> applied = new TreeMap<>();
    /** Per replica, each application's operation id and outcome, in the same order. */
    final Map<NodeId, List<String>> ops = new TreeMap<>();
    final List<KvReplies.Written> acknowledged = new ArrayList<>();
    /** The sequencer's partition of a keyspace sequenced by a log; null under Lamport's multicast. */
    final SimPartition log;

    ActiveSim(long seed, int nodes, int replicaCount, QuorumSettings settings) {
        this(seed, nodes, replicaCount, settings, null);
    }

    /** The keyspace sequenced by {@code log} (sequencer {@code kafka}), or by Lamport's multicast when null. */
    ActiveSim(long seed, int nodes, int replicaCount, QuorumSettings settings, SimPartition log) {
        this.log = log;
        kv = new KvSim(seed, nodes, ns -> {
            KeyspaceConfig c = KeyspaceConfig.majority(KEYSPACE, ns.subList(0, replicaCount)).withMode("active");
            return log == null ? c : c.withVariant(ActiveStore.KAFKA);
        }, settings, (env, c, s, l) -> new ActiveStore(new Watched(env), c, s, l,
                log == null ? SequencerLog.NONE : log.client(env.self())));
        if (log != null) log.bind(kv.sim);
        replicas = kv.config.replicas();
        kv.onReply((node, id, result) -> {
            if (!(result instanceof KvReplies.Written w)) return;
            acknowledged.add(w);
            if (kv.config.isReplica(node)) {
                Versioned held = data(node).get(w.key());
                if (held == null || held.version().isBefore(w.version())) {
                    throw new AssertionError("acknowledged " + w + " but the disk of " + node + " holds " + held);
                }
            }
        });
    }

    /** The node's env with its disk watched. */
    private final class Watched extends ForwardingEnv {
        private final Durable disk;

        Watched(Env env) {
            super(env);
            Durable inner = env.storage();
            String key = ActiveStore.appliedKey(KEYSPACE);
            List<String> log = applied.computeIfAbsent(env.self(), n -> new ArrayList<>());
            this.disk = new Durable() {
                @Override
                public void put(String k, String v) {
                    if (k.equals(key)) {
                        String[] f = v.split("\u001f");
                        if (Long.parseLong(f[0]) != log.size() + 1) {
                            throw new AssertionError(env.self() + " recorded application #" + f[0] + " after " + log.size());
                        }
                        log.add(f[1] + "->" + f[2]);
                        ops.computeIfAbsent(env.self(), n -> new ArrayList<>()).add(f[3] + "->" + f[2]);
                    }
                    inner.put(k, v);
                }

                @Override
                public Optional<String> get(String k) {
                    return inner.get(k);
                }

                @Override
                public void remove(String k) {
                    inner.remove(k);
                }

                @Override
                public SortedMap<String, String> scan(String prefix) {
                    return inner.scan(prefix);
                }
            };
        }

        @Override
        public Durable storage() {
            return disk;
        }
    }

    NodeId node(int i) {
        return kv.node(i);
    }

    /** {@code n}'s replica as its disk holds it (deaths included). */
    SortedMap<String, Versioned> data(NodeId n) {
        return ActiveStore.stored(kv.sim.storage(n), KEYSPACE);
    }

    /** Whether every replica's disk holds the same data and has applied the same sequence. */
    boolean converged() {
        SortedMap<String, Versioned> first = data(replicas.get(0));
        List<String> seq = applied.get(replicas.get(0));
        return replicas.stream().allMatch(n -> data(n).equals(first) && applied.get(n).equals(seq));
    }
}
