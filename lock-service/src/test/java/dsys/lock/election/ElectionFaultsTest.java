package dsys.lock.election;

import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.core.sim.Simulation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of seeded schedules: 3–5 nodes, delays, loss, duplication, reordering, partitions, crashes and
 * restarts, elections started anywhere, leader heartbeats on. Throughout: no epoch ever has two leaders and no
 * node's epoch goes back. After the faults heal (crashed nodes may stay down): within a bound, every live node
 * follows the highest live id in one epoch, and nothing changes afterwards.
 */
class ElectionFaultsTest {

    private static final Duration FAULTS = Duration.ofMillis(1500);
    private static final Duration HEARTBEAT = Duration.ofMillis(100);
    private static final Duration SUSPECT = Duration.ofMillis(400);
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(15);
    private long slowestSettleNanos;
    private int resettled;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bully", "ring"})
    void oneLeaderPerEpoch_andTheHighestLiveIdLeadsOnceHealed(String algorithm) {
        BiFunction<dsys.core.env.Env, Consumer<Leadership>, AbstractElection> factory =
                algorithm.equals("bully") ? BullyElection::new : RingElection::new;
        slowestSettleNanos = 0;
        resettled = 0;
        long[] leaderships = {0};
        Seeds.run(algorithm + " under faults", 1000, seed -> leaderships[0] += run(seed, factory));
        System.out.printf("%s: %d leaderships adopted over the seeds; slowest convergence after healing %.0f ms;"
                + " %d seeds elected once more after converging (late messages)%n",
                algorithm, leaderships[0], slowestSettleNanos / 1e6, resettled);
    }

    private long run(long seed, BiFunction<dsys.core.env.Env, Consumer<Leadership>, AbstractElection> factory) {
        SplittableRandom r = new SplittableRandom(seed * 31 + 7);
        int n = 3 + r.nextInt(3);
        Simulation sim = new Simulation(seed);
        List<NodeId> nodes = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            NodeId id = NodeId.of("lock-" + i);
            nodes.add(id);
            sim.add(id, env -> new ElectionNode(env, factory, HEARTBEAT, SUSPECT));
        }
        EpochChecker epochs = new EpochChecker();
        sim.addSink(epochs);
        sim.invariant("at most one leader per epoch, epochs never go back", epochs::check);
        sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(10)).loss(r.nextDouble() * 0.2)
                .duplicate(r.nextDouble() * 0.1).reorder(0.1, Duration.ofMillis(20));

        for (long t = 0; t < FAULTS.toMillis(); t += 20 + r.nextInt(120)) {
            int action = r.nextInt(6);
            NodeId target = nodes.get(r.nextInt(n));
            sim.at(Duration.ofMillis(t), () -> nemesis(sim, nodes, action, target, r));
        }
        sim.at(FAULTS, () -> {
            sim.network().heal().loss(0).duplicate(0);
            for (NodeId x : nodes) if (!sim.isUp(x) && r.nextBoolean()) sim.restart(x);
            if (nodes.stream().noneMatch(sim::isUp)) sim.restart(nodes.get(0));
        });
        sim.runFor(FAULTS);
        long healedAt = sim.now();
        boolean settled = sim.runUntil(() -> settled(sim, nodes), SETTLE_LIMIT);
        assertThat(settled).as("settled within %s after healing: %s", SETTLE_LIMIT, views(sim, nodes)).isTrue();
        slowestSettleNanos = Math.max(slowestSettleNanos, sim.now() - healedAt);
        // Messages from before the heal may still be on their way (a ring election whose initiator died goes on
        // round; a bully OK waits out its timeout) and can start one more election: the view must come back to
        // the highest live id, and then stay put.
        String first = views(sim, nodes);
        sim.runFor(Duration.ofSeconds(2));
        assertThat(settled(sim, nodes)).as("settled again after in-flight messages: %s", views(sim, nodes)).isTrue();
        if (!views(sim, nodes).equals(first)) resettled++;
        String before = views(sim, nodes);
        sim.runFor(Duration.ofMillis(500));
        assertThat(views(sim, nodes)).as("stable once quiet").isEqualTo(before);
        return epochs.leaderships;
    }

    private static void nemesis(Simulation sim, List<NodeId> nodes, int action, NodeId target, SplittableRandom r) {
        switch (action) {
            case 0 -> {
                if (sim.isUp(target) && nodes.stream().filter(sim::isUp).count() > 1) sim.crash(target);
            }
            case 1 -> {
                if (!sim.isUp(target)) sim.restart(target);
            }
            case 2 -> {
                List<NodeId> a = new ArrayList<>(), b = new ArrayList<>();
                for (NodeId x : nodes) (r.nextBoolean() ? a : b).add(x);
                sim.network().partition(a, b);
            }
            case 3 -> sim.network().heal();
            default -> {
                if (sim.isUp(target)) sim.request(target, "start");
            }
        }
    }

    private static boolean settled(Simulation sim, List<NodeId> nodes) {
        NodeId highest = nodes.stream().filter(sim::isUp).max(Rank.ORDER).orElseThrow();
        long epoch = -1;
        for (NodeId x : nodes) {
            if (!sim.isUp(x)) continue;
            AbstractElection e = ((ElectionNode) sim.core(x)).election;
            if (e.inProgress() || !e.leader().equals(java.util.Optional.of(highest))) return false;
            if (epoch >= 0 && e.epoch() != epoch) return false;
            epoch = e.epoch();
        }
        return true;
    }

    private static String views(Simulation sim, List<NodeId> nodes) {
        StringBuilder b = new StringBuilder();
        for (NodeId x : nodes) {
            if (!sim.isUp(x)) {
                b.append(x).append("=down ");
                continue;
            }
            AbstractElection e = ((ElectionNode) sim.core(x)).election;
            b.append(x).append('=').append(e.leader().map(NodeId::value).orElse("?")).append('@').append(e.epoch())
                    .append(e.inProgress() ? "(electing) " : " ");
        }
        return b.toString().trim();
    }
}
