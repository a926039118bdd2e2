package dsys.core.checkpoint.live;

import dsys.core.node.NodeId;
import dsys.core.sim.SimRequest;
import dsys.core.sim.Simulation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * toy-1..n, each a {@link TokenCore} wrapped in a {@link CheckpointedCore}, and their initiator ckpt-1, in the
 * simulator. Reads what the nodes hold (now, or in a local checkpoint) straight from their disks, and judges a cut
 * by the tokens: no orphan gift, and balances plus gifts in flight are all the tokens there are.
 */
final class TokenSim {

    static final String PREFIX = "ckpt/tok/";
    static final NodeId INITIATOR = NodeId.of("ckpt-1");
    static final InitiatorTiming TIMING = new InitiatorTiming(Duration.ofMillis(20), Duration.ofMillis(300),
            Duration.ofMillis(300), Duration.ofMillis(400));

    final Simulation sim;
    final MemoryCodec codec = new MemoryCodec();
    final List<NodeId> nodes = new ArrayList<>();
    private int gifts;

    TokenSim(long seed, int n, Duration independentEvery, int keep) {
        sim = new Simulation(seed);
        for (int i = 1; i <= n; i++) nodes.add(NodeId.of("toy-" + i));
        ParticipantConfig config = new ParticipantConfig(TokenCore.SCOPE, PREFIX, INITIATOR, codec, RestoreFilter.NONE,
                independentEvery, keep, Duration.ofMillis(700));
        for (NodeId id : nodes) sim.add(id, env -> new CheckpointedCore(env, config, TokenCore::new));
        sim.add(INITIATOR, env -> new CheckpointInitiator(env, nodes, codec, TIMING, 20));
    }

    TokenSim(long seed, int n) {
        this(seed, n, null, 3);
    }

    SimRequest give(Duration at, NodeId from, NodeId to, long amount) {
        return sim.requestAt(at, from, new TokenCore.Give("g" + ++gifts, to.value(), amount));
    }

    /** {@code count} gifts of 1..20 at random times in [fromMs, toMs), between random nodes. */
    void randomGifts(Random rnd, int count, int fromMs, int toMs) {
        for (int i = 0; i < count; i++) {
            NodeId a = nodes.get(rnd.nextInt(nodes.size()));
            NodeId b = nodes.get((nodes.indexOf(a) + 1 + rnd.nextInt(nodes.size() - 1)) % nodes.size());
            give(Duration.ofMillis(fromMs + rnd.nextInt(toMs - fromMs)), a, b, 1 + rnd.nextInt(20));
        }
    }

    SimRequest take(Duration at, String algorithm) {
        return sim.requestAt(at, INITIATOR, new Views.Take(algorithm));
    }

    SimRequest restore(String id) {
        return sim.request(INITIATOR, new Views.Restore(id));
    }

    /** Runs until {@code r} is answered (AssertionError after {@code limit}) and returns its result. */
    Object await(SimRequest r, Duration limit) {
        if (!sim.runUntil(r::done, limit)) throw new AssertionError("no answer within " + limit + "\n" + sim.trace(30));
        return r.result();
    }

    CheckpointedCore core(NodeId n) {
        return (CheckpointedCore) sim.core(n);
    }

    long total() {
        return TokenCore.OPENING * nodes.size();
    }

    // ---------------------------------------------------------------- the tokens

    /** A node's tokens: its balance, its gifts sent (id: to, amount) and received (id: from, amount). */
    record Tokens(long balance, SortedMap<String, Gift> sent, SortedMap<String, Gift> got) {
    }

    record Gift(String peer, long amount) {
    }

    static Tokens parse(SortedMap<String, String> entries) {
        TreeMap<String, Gift> sent = new TreeMap<>(), got = new TreeMap<>();
        long balance = -1;
        for (Map.Entry<String, String> e : entries.entrySet()) {
            String k = e.getKey().substring(TokenCore.SCOPE.length());
            if (k.equals("bal")) balance = Long.parseLong(e.getValue());
            String[] v = e.getValue().split(":");
            if (k.startsWith("sent/")) sent.put(k.substring(5), new Gift(v[0], Long.parseLong(v[1])));
            if (k.startsWith("got/")) got.put(k.substring(4), new Gift(v[0], Long.parseLong(v[1])));
        }
        return new Tokens(balance, sent, got);
    }

    Tokens live(NodeId n) {
        return parse(sim.storage(n).scan(TokenCore.SCOPE));
    }

    Tokens recorded(NodeId n, String local) {
        return parse(LocalCheckpoints.read(sim.storage(n), PREFIX, local));
    }

    List<Arrival> channel(NodeId n, String local) {
        return LocalCheckpoints.readChannel(sim.storage(n), PREFIX, local, codec);
    }

    /** Each node's state in global checkpoint {@code g}, read from its disk. */
    Map<String, Tokens> cut(Views.GlobalCheckpoint g) {
        TreeMap<String, Tokens> cut = new TreeMap<>();
        for (NodeId n : nodes) cut.put(n.value(), recorded(n, g.part(n.value()).local()));
        return cut;
    }

    Map<String, Tokens> now() {
        TreeMap<String, Tokens> cut = new TreeMap<>();
        for (NodeId n : nodes) cut.put(n.value(), live(n));
        return cut;
    }

    /** Gifts a node records as received that its sender does not record as sent. */
    static List<String> orphans(Map<String, Tokens> cut) {
        List<String> out = new ArrayList<>();
        cut.forEach((q, t) -> t.got().forEach((id, g) -> {
            Tokens sender = cut.get(g.peer());
            if (sender == null || !sender.sent().containsKey(id)) out.add(id + " received by " + q + ", never sent by " + g.peer());
        }));
        return out;
    }

    /** Gifts {@code p} records as sent to {@code q} that {@code q} does not record as received. */
    static TreeSet<String> inFlight(Map<String, Tokens> cut, String p, String q) {
        TreeSet<String> out = new TreeSet<>();
        cut.get(p).sent().forEach((id, g) -> {
            if (g.peer().equals(q) && !cut.get(q).got().containsKey(id)) out.add(id);
        });
        return out;
    }

    static long balances(Map<String, Tokens> cut) {
        return cut.values().stream().mapToLong(Tokens::balance).sum();
    }

    /** Amount of gift {@code id} as its sender recorded it. */
    static long amount(Map<String, Tokens> cut, String p, String id) {
        return cut.get(p).sent().get(id).amount();
    }
}
