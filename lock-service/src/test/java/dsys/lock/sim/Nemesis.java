package dsys.lock.sim;

import dsys.core.node.NodeId;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded faults: a noisy network, partitions, crashes with restarts, and pauses, all healed by {@code until}. */
public final class Nemesis {

    private final LockSim ls;
    private final SplittableRandom rnd;

    public Nemesis(LockSim ls, SplittableRandom rnd) {
        this.ls = ls;
        this.rnd = rnd;
    }

    public void noisyNetwork() {
        ls.sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(3 + rnd.nextInt(10)))
                .loss(rnd.nextDouble() * 0.05).duplicate(rnd.nextDouble() * 0.05)
                .reorder(0.1, Duration.ofMillis(8));
    }

    /** Schedules {@code faults} faults between 200 ms and {@code until}; each lasts up to 700 ms. */
    public void schedule(int faults, Duration until) {
        long end = until.toMillis();
        for (int i = 0; i < faults; i++) {
            long at = 200 + rnd.nextLong(Math.max(1, end - 900));
            long len = 50 + rnd.nextLong(650);
            NodeId victim = ls.nodes.get(rnd.nextInt(ls.nodes.size()));
            switch (rnd.nextInt(4)) {
                case 0 -> {
                    List<NodeId> a = new ArrayList<>(), b = new ArrayList<>();
                    for (NodeId n : ls.nodes) (rnd.nextBoolean() ? a : b).add(n);
                    ls.sim.at(ms(at), () -> ls.sim.network().partition(a, b));
                    ls.sim.at(ms(at + len), () -> ls.sim.network().heal());
                }
                case 1 -> {
                    ls.sim.at(ms(at), () -> ls.sim.crash(victim));
                    ls.sim.at(ms(at + len), () -> {
                        if (!ls.sim.isUp(victim)) ls.sim.restart(victim);
                    });
                }
                case 2 -> ls.sim.at(ms(at), () -> ls.sim.pause(victim, Duration.ofMillis(len / 2)));
                default -> {
                    NodeId other = ls.nodes.get(rnd.nextInt(ls.nodes.size()));
                    if (!other.equals(victim)) {
                        ls.sim.at(ms(at), () -> ls.sim.network().block(victim, other));
                        ls.sim.at(ms(at + len), () -> ls.sim.network().heal());
                    }
                }
            }
        }
    }

    /** Everything healed and restarted; the network stays slow but no longer loses or duplicates. */
    public void healAll() {
        ls.sim.network().heal().loss(0).duplicate(0);
        for (NodeId n : ls.nodes) if (!ls.sim.isUp(n)) ls.sim.restart(n);
    }

    private static Duration ms(long ms) {
        return Duration.ofMillis(ms);
    }
}
