package dsys.kv.sim;

import dsys.core.node.NodeId;
import dsys.core.sim.SimRequest;
import dsys.core.sim.Simulation;
import dsys.kv.mode.KvCore;
import dsys.kv.quorum.AcceptorState;
import dsys.kv.quorum.ChosenListener;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.KeyspaceConfig;
import dsys.kv.quorum.KvRequests;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.QuorumSettings;
import dsys.kv.quorum.QuorumStore;
import dsys.kv.quorum.ReadLevel;
import dsys.kv.quorum.WeightedVotingQuorum;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * A simulated keyspace on kv-1..n, with request helpers: quorum-replicated, or run by another mode's core (a
 * {@link KvCore.Factory}; the quorum-specific helpers and durability check then do not apply).
 */
public final class KvSim {

    public final Simulation sim;
    public final List<NodeId> nodes;
    public final KeyspaceConfig config;

    private final boolean quorum;

    public KvSim(long seed, int n, Function<List<NodeId>, KeyspaceConfig> config, QuorumSettings settings) {
        this(seed, n, config, settings, QuorumStore::new, true);
    }

    /** The keyspace run by {@code factory}'s cores (another replication mode). */
    public KvSim(long seed, int n, Function<List<NodeId>, KeyspaceConfig> config, QuorumSettings settings,
                 KvCore.Factory factory) {
        this(seed, n, config, settings, factory, false);
    }

    private KvSim(long seed, int n, Function<List<NodeId>, KeyspaceConfig> config, QuorumSettings settings,
                  KvCore.Factory factory, boolean quorum) {
        sim = new Simulation(seed);
        nodes = IntStream.rangeClosed(1, n).mapToObj(i -> NodeId.of("kv-" + i)).toList();
        this.config = config.apply(nodes);
        this.quorum = quorum;
        for (NodeId id : nodes) {
            sim.add(id, env -> factory.create(ReplyTap.around(env, this::replied, this::sent), this.config, settings,
                    ChosenListener.NONE));
        }
    }

    private final Map<String, Runnable> onReply = new java.util.HashMap<>();
    private final List<ReplyTap.Sent> sendTaps = new java.util.ArrayList<>();
    private final List<ReplyTap.Replied> replyTaps = new java.util.ArrayList<>();

    /** {@code tap} sees every answer a core gives a client request, as it gives it (before the client reacts). */
    public void onReply(ReplyTap.Replied tap) {
        replyTaps.add(tap);
    }

    /** {@code tap} sees every message a core sends, as it sends it (whether the network then delivers it or not). */
    public void onSend(ReplyTap.Sent tap) {
        sendTaps.add(tap);
    }

    private void sent(NodeId from, NodeId to, dsys.core.message.Message m) {
        for (ReplyTap.Sent t : sendTaps) t.sent(from, to, m);
    }

    private void replied(NodeId node, dsys.core.env.RequestId id, Object result) {
        if (quorum && result instanceof KvReplies.Written w) checkDurable(w);
        for (ReplyTap.Replied t : replyTaps) t.replied(node, id, result);
        Runnable r = onReply.remove(id.value());
        if (r != null) r.run();
    }

    /**
     * Acknowledged ⇒ durable: at the ack, the disks of replicas with V_w votes hold this write or a later one, or
     * have accepted nothing for the key since a later delete's tombstone was collected (a retry that confirms its
     * own earlier write can be answered after that; the floor then lies above the write).
     */
    private void checkDurable(KvReplies.Written w) {
        List<NodeId> holders = config.replicas().stream().filter(n -> {
            AcceptorState s = QuorumStore.stored(sim.storage(n), config.name(), w.key());
            return !s.content().version().isBefore(w.version()) || s.accepted().zero()
                    && !QuorumStore.storedFloor(sim.storage(n), config.name()).isBefore(w.version());
        }).toList();
        if (!new WeightedVotingQuorum(config).isWriteQuorum(holders)) {
            throw new AssertionError("acknowledged " + w + " is on the disks of " + holders + " only");
        }
    }

    /** Runs {@code then} as soon as {@code r} is answered, or, if its node crashes first, within 10 ms of that. */
    public void whenDone(SimRequest r, Runnable then) {
        boolean[] ran = {false};
        Runnable once = () -> {
            if (!ran[0]) {
                ran[0] = true;
                then.run();
            }
        };
        onReply.put(r.id().value(), once);
        pollForCrash(r, once);
    }

    private void pollForCrash(SimRequest r, Runnable once) {
        sim.at(Duration.ofNanos(sim.now() + 10_000_000L), () -> {
            if (r.crashed()) {
                onReply.remove(r.id().value());
                once.run();
            } else if (!r.done()) {
                pollForCrash(r, once);
            }
        });
    }

    public static KvSim majority(long seed, int n) {
        return new KvSim(seed, n, ns -> KeyspaceConfig.majority("default", ns), QuorumSettings.sim());
    }

    public NodeId node(int i) {
        return nodes.get(i - 1);
    }

    public QuorumStore store(NodeId n) {
        return (QuorumStore) sim.core(n);
    }

    public SimRequest put(NodeId at, String key, String value) {
        return sim.request(at, new KvRequests.Put(key, value, null));
    }

    public SimRequest cas(NodeId at, String key, String value, Ballot ifMatch) {
        return sim.request(at, new KvRequests.Put(key, value, ifMatch));
    }

    public SimRequest delete(NodeId at, String key) {
        return sim.request(at, new KvRequests.Delete(key, null));
    }

    public SimRequest get(NodeId at, String key, ReadLevel level) {
        return sim.request(at, new KvRequests.Get(key, level));
    }

    /** Runs until {@code r} is answered; fails if its node crashed or no answer came within {@code limit}. */
    public Object await(SimRequest r, Duration limit) {
        if (!sim.runUntil(r::finished, limit)) throw new AssertionError("no answer within " + limit + ": " + r);
        if (r.crashed()) throw new AssertionError("node crashed: " + r);
        return r.result();
    }

    public KvReplies.Written written(SimRequest r) {
        Object o = await(r, Duration.ofSeconds(2));
        if (!(o instanceof KvReplies.Written w)) throw new AssertionError("not written: " + o + "\n" + sim.trace(30));
        return w;
    }

    public KvReplies.Value value(SimRequest r) {
        Object o = await(r, Duration.ofSeconds(2));
        if (!(o instanceof KvReplies.Value v)) throw new AssertionError("no value: " + o + "\n" + sim.trace(30));
        return v;
    }

    /**
     * Each replica's data (keys with an accepted state: ballot, chosen flag, content), by node; the replicas have
     * converged when these are all equal and every state is chosen.
     */
    public Map<NodeId, SortedMap<String, String>> replicaData() {
        Map<NodeId, SortedMap<String, String>> out = new TreeMap<>();
        for (NodeId n : config.replicas()) {
            SortedMap<String, String> data = new TreeMap<>();
            if (!sim.isUp(n)) continue;
            String mismatch = store(n).indexMismatch();
            if (mismatch != null) throw new AssertionError(n + "'s replica indexes are wrong: " + mismatch);
            for (Map.Entry<String, AcceptorState> e : store(n).replicaEntries().entrySet()) {
                AcceptorState s = e.getValue();
                if (!s.accepted().zero()) data.put(e.getKey(), s.accepted() + (s.committed() ? " chosen " : " ") + s.content());
            }
            out.put(n, data);
        }
        return out;
    }

    public boolean converged() {
        Map<NodeId, SortedMap<String, String>> data = replicaData();
        if (data.size() != config.replicas().size()) return false;
        SortedMap<String, String> first = data.values().iterator().next();
        return data.values().stream().allMatch(first::equals)
                && first.values().stream().allMatch(s -> s.contains(" chosen "));
    }
}
