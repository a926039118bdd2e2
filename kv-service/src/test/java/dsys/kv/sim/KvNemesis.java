package dsys.kv.sim;

import dsys.core.node.NodeId;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded faults for a keyspace simulation: a noisy network (delay, loss, duplication, reordering), partitions
 * into two random sides, one-way blocks, pauses, and crashes with restarts of at most a minority of the nodes at
 * a time; {@link #healAll()} ends them.
 */
public final class KvNemesis {

    private final KvSim kv;
    private final SplittableRandom rnd;
    private int crashes;
    private int partitions;

    public KvNemesis(KvSim kv, SplittableRandom rnd) {
        this.kv = kv;
        this.rnd = rnd;
    }

    /** Delay 1..3-12 ms, loss and duplication up to 5 % each, 10 % of messages up to 8 ms late (overtaken). */
    public void noisyNetwork() {
        kv.sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(3 + rnd.nextInt(10)))
                .loss(rnd.nextDouble() * 0.05).duplicate(rnd.nextDouble() * 0.05)
                .reorder(0.1, Duration.ofMillis(8));
    }

    /** {@code faults} faults between 50 ms and {@code until}, each lasting 20..400 ms. */
    public void schedule(int faults, Duration until) {
        long end = until.toMillis();
        int maxDown = (kv.nodes.size() - 1) / 2;
        for (int i = 0; i < faults; i++) {
            long at = 50 + rnd.nextLong(Math.max(1, end - 100));
            long len = 20 + rnd.nextLong(380);
            NodeId victim = kv.nodes.get(rnd.nextInt(kv.nodes.size()));
            switch (rnd.nextInt(4)) {
                case 0 -> {
                    List<NodeId> a = new ArrayList<>(), b = new ArrayList<>();
                    for (NodeId n : kv.nodes) (rnd.nextBoolean() ? a : b).add(n);
                    kv.sim.at(ms(at), () -> {
                        partitions++;
                        kv.sim.network().partition(a, b);
                    });
                    kv.sim.at(ms(at + len), () -> kv.sim.network().heal());
                }
                case 1 -> kv.sim.at(ms(at), () -> {
                    long down = kv.nodes.stream().filter(n -> !kv.sim.isUp(n)).count();
                    if (!kv.sim.isUp(victim) || down >= maxDown) return;
                    crashes++;
                    kv.sim.crash(victim);
                    kv.sim.at(ms(at + len), () -> {
                        if (!kv.sim.isUp(victim)) kv.sim.restart(victim);
                    });
                });
                case 2 -> kv.sim.at(ms(at), () -> kv.sim.pause(victim, Duration.ofMillis(len / 2)));
                default -> {
                    NodeId other = kv.nodes.get(rnd.nextInt(kv.nodes.size()));
                    if (!other.equals(victim)) {
                        kv.sim.at(ms(at), () -> kv.sim.network().block(victim, other));
                        kv.sim.at(ms(at + len), () -> kv.sim.network().heal());
                    }
                }
            }
        }
    }

    /** Heals the network (it stays slow but no longer loses or duplicates) and restarts every crashed node. */
    public void healAll() {
        kv.sim.network().heal().loss(0).duplicate(0);
        for (NodeId n : kv.nodes) if (!kv.sim.isUp(n)) kv.sim.restart(n);
    }

    public int crashes() {
        return crashes;
    }

    public int partitions() {
        return partitions;
    }

    private static Duration ms(long ms) {
        return Duration.ofMillis(ms);
    }
}
