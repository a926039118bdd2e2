package dsys.kv.sim;

import dsys.core.node.NodeId;
import dsys.core.sim.JournalEntry;
import dsys.core.sim.SimRequest;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.KeyspaceConfig;
import dsys.kv.quorum.QuorumSettings;
import dsys.kv.quorum.QuorumStore;
import dsys.kv.quorum.ReadLevel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Messages and one-way message delays per operation, measured in the simulator with every hop taking exactly
 * 1 ms and no faults: all messages the operation caused (its requests, every replica's answer even after the
 * quorum was in, the commits), of them the ones that crossed the network (not a node's message to itself), and
 * the client's latency in message delays. These are the README's table.
 */
class MessageCountTest {

    record Cost(long messages, long network, long delays) {
    }

    private static KvSim cluster(Configurations config) {
        KvSim kv = new KvSim(1, config.nodes, config.config, QuorumSettings.sim().withAntiEntropyMs(3_600_000));
        kv.sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(1));
        return kv;
    }

    static Cost measure(KvSim kv, Supplier<SimRequest> op) {
        return measure(kv, () -> { }, op);
    }

    static Cost measure(KvSim kv, Runnable setup, Supplier<SimRequest> op) {
        setup.run();
        kv.sim.runFor(Duration.ofMillis(20));
        kv.sim.resetCounts();
        int from = kv.sim.journal().size();
        SimRequest r = op.get();
        kv.await(r, Duration.ofSeconds(1));
        kv.sim.runFor(Duration.ofMillis(20)); // late answers and commits
        List<JournalEntry> sends = kv.sim.journal().subList(from, kv.sim.journal().size()).stream()
                .filter(e -> e.event().equals("send")).toList();
        long network = sends.stream().filter(e -> !e.node().equals(e.peer())).count();
        return new Cost(kv.sim.messagesSent(), network, (r.completedAt() - r.invokedAt()) / 1_000_000);
    }

    static Map<String, Cost> table(Configurations config) {
        KvSim kv = cluster(config);
        NodeId a = kv.node(1), b = kv.node(2);
        Map<String, Cost> t = new LinkedHashMap<>();
        t.put("put", measure(kv, () -> kv.put(a, "x", "1")));
        Ballot v = kv.value(kv.get(a, "x", ReadLevel.LINEARIZABLE)).version();
        t.put("cas (swaps)", measure(kv, () -> kv.cas(b, "x", "2", v)));
        t.put("cas (412, version seen chosen)", measure(kv, () -> kv.cas(a, "x", "3", v)));
        t.put("delete", measure(kv, () -> kv.delete(b, "x")));
        t.put("put, same coordinator again (lease: phase 2 only)", measure(kv, () -> kv.put(b, "x", "4")));
        t.put("get linearizable (chosen)", measure(kv, () -> kv.get(b, "x", ReadLevel.LINEARIZABLE)));
        t.put("get quorum", measure(kv, () -> kv.get(b, "x", ReadLevel.QUORUM)));
        t.put("get one (coordinator holds a replica)", measure(kv, () -> kv.get(b, "x", ReadLevel.ONE)));
        t.put("get linearizable (with write-back)", measure(kv, () -> unfinishedWrite(kv),
                () -> kv.get(kv.node(kv.nodes.size()), "y", ReadLevel.LINEARIZABLE)));
        return t;
    }

    /**
     * The writer reaches a bare write quorum (not the last node, which will read) and dies before its commit, then
     * restarts: the write is chosen, but nobody knows; the other holders answer the reader late, so its read quorum
     * holds the write on too few votes.
     */
    private static void unfinishedWrite(KvSim kv) {
        NodeId writer = kv.node(1), reader = kv.node(kv.nodes.size());
        List<NodeId> quorum = kv.nodes.subList(0, kv.config.writeQuorum());
        kv.sim.network().partition(quorum, kv.nodes.subList(kv.config.writeQuorum(), kv.nodes.size()));
        kv.sim.armCrashPoint(writer, QuorumStore.CRASH_BEFORE_COMMIT);
        kv.put(writer, "y", "unfinished");
        kv.sim.runFor(Duration.ofMillis(10));
        kv.sim.network().heal();
        kv.sim.restart(writer);
        if (quorum.size() == kv.nodes.size()) return; // read-one-write-all: the write-back waits for every replica anyway
        for (NodeId n : quorum) if (!n.equals(writer)) kv.sim.network().link(n, reader, 0, Duration.ofMillis(5));
    }

    /**
     * With n replicas, a write's messages go to all n (one of them the coordinator itself): prepare, promise,
     * accept, accepted and commit, 5n messages, 5(n-1) over the network, in 4 message delays (the commit goes
     * after the answer). A refused compare-and-set that finds the version chosen is its prepare round trip, 2n
     * (prepares go to every replica: a promise everywhere also voids other nodes' stale leases). A read asks
     * only the r replicas a read quorum needs, its own first (thrifty): 2r messages, 2(r-1) over the network
     * (read-one-write-all reads its own replica alone: none). A write by the node that wrote the key last, with
     * no higher promise since, skips phase 1: its accepts had promised its next ballot (the lease): accept,
     * accepted and commit, 3n, in 2 message delays. A read that finds the newest value on too few votes writes it
     * back to the k replicas that lack it and commits it to all: 2r + 2k + n.
     */
    static Map<String, Cost> expected(Configurations config) {
        int n = config.nodes;
        int r = config == Configurations.ROWA_3 ? 1 : n / 2 + 1;
        Map<String, Cost> t = new LinkedHashMap<>();
        Cost write = new Cost(5L * n, 5L * (n - 1), 4), prepareTrip = new Cost(2L * n, 2L * (n - 1), 2);
        Cost read = new Cost(2L * r, 2L * (r - 1), 2);
        t.put("put", write);
        t.put("cas (swaps)", write);
        t.put("cas (412, version seen chosen)", prepareTrip);
        t.put("delete", write);
        t.put("put, same coordinator again (lease: phase 2 only)", new Cost(3L * n, 3L * (n - 1), 2));
        t.put("get linearizable (chosen)", read);
        t.put("get quorum", read);
        t.put("get one (coordinator holds a replica)", new Cost(0, 0, 0));
        // The write-back goes to every replica not seen holding the value, k of them: under majorities the reader
        // (which lacks it) and the holders its thrifty quorum did not hear from in time (unfinishedWrite slows
        // them: with n=5 past a retry tick, so more delays); under read-one-write-all the reader holds it unchosen
        // and writes it back to the other two. Network: the reads', the write-back's to others, the commits'.
        t.put("get linearizable (with write-back)", switch (config) {
            case MAJORITY_3 -> new Cost(2 * 2 + 2 * 2 + 3, 2 + 2 + 2, 4);    // r=2, k=2 (the reader and one holder)
            case MAJORITY_5 -> new Cost(2 * 3 + 2 * 3 + 5, 4 + 4 + 4, 9);    // r=3, k=3 (the reader and two)
            case ROWA_3 -> new Cost(2 * 1 + 2 * 2 + 3, 0 + 4 + 2, 4);        // r=1, k=2 (both others)
            default -> throw new IllegalArgumentException("no expectation for " + config);
        });
        return t;
    }

    @ParameterizedTest
    @EnumSource(value = Configurations.class, names = {"MAJORITY_3", "MAJORITY_5", "ROWA_3"})
    void messagesAndDelaysPerOperation(Configurations config) {
        Map<String, Cost> t = table(config);
        KeyspaceConfig c = config.config.apply(cluster(config).nodes);
        print("n=" + config.nodes + ", V_r=" + c.readQuorum() + ", V_w=" + c.writeQuorum(), t);
        assertThat(t).isEqualTo(expected(config));
    }

    private static void print(String title, Map<String, Cost> t) {
        StringBuilder b = new StringBuilder("| " + title + " | messages | over the network | message delays |\n|---|---|---|---|\n");
        t.forEach((op, c) -> b.append("| ").append(op).append(" | ").append(c.messages()).append(" | ")
                .append(c.network()).append(" | ").append(c.delays()).append(" |\n"));
        System.out.print(b);
    }
}
