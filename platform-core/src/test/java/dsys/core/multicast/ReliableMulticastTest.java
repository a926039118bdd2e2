package dsys.core.multicast;

import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.core.sim.SimRequest;
import dsys.core.sim.Simulation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each reliable scheme under loss, duplication, reordering, a partition and crashes with restarts (as a chaos crash
 * or as a new process), with three members multicasting at once: every message whose multicast was acknowledged to
 * its client is delivered by every member, once, in its origin's order, with the same payload ({@link DeliveryLog}
 * checks each delivery as it happens). Judged from the deliveries, not from the cores' state.
 */
class ReliableMulticastTest {

    static final List<NodeId> GROUP = IntStream.rangeClosed(1, 6).mapToObj(i -> NodeId.of("mc-" + i)).toList();
    static final MulticastTiming TIMING = new MulticastTiming(Duration.ofMillis(50), Duration.ofMillis(40),
            Duration.ofSeconds(60));

    private static final AtomicLong REPAIRS = new AtomicLong();
    private static final AtomicLong RESTARTED_ORIGINS = new AtomicLong();

    @ParameterizedTest
    @EnumSource(Scheme.class)
    void everyAcknowledgedMessageReachesEveryMemberOnceInOriginOrder(Scheme scheme) {
        long repairs = REPAIRS.get(), restarted = RESTARTED_ORIGINS.get();
        Seeds.run(scheme + " under faults", 60, seed -> run(scheme, seed));
        assertThat(REPAIRS.get() - repairs).as("retransmissions happened (the repair path ran)").isPositive();
        assertThat(RESTARTED_ORIGINS.get() - restarted).as("origins crashed and came back mid-run").isPositive();
    }

    private static void run(Scheme scheme, long seed) {
        Simulation sim = new Simulation(seed);
        Random rnd = new Random(seed);
        DeliveryLog log = new DeliveryLog();
        for (NodeId m : GROUP) sim.add(m, env -> new MulticastMember(env, d -> scheme.create(env, GROUP, TIMING, d), log));
        sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(10)).loss(0.1).duplicate(0.05)
                .reorder(0.1, Duration.ofMillis(20));

        List<NodeId> origins = new ArrayList<>(GROUP);
        java.util.Collections.shuffle(origins, rnd);
        origins = origins.subList(0, 3);
        for (int c = 0; c < 3; c++) {
            NodeId victim = c == 0 ? origins.get(0) : GROUP.get(rnd.nextInt(GROUP.size()));
            int at = rnd.nextInt(2500), down = 50 + rnd.nextInt(800);
            boolean asProcess = rnd.nextBoolean(), isOrigin = origins.contains(victim);
            sim.at(Duration.ofMillis(at), () -> sim.crash(victim));
            sim.at(Duration.ofMillis(at + down), () -> {
                if (sim.isUp(victim)) return;
                if (asProcess) sim.restartProcess(victim);
                else sim.restart(victim);
                if (isOrigin) RESTARTED_ORIGINS.incrementAndGet();
            });
        }
        List<NodeId> shuffled = new ArrayList<>(GROUP);
        java.util.Collections.shuffle(shuffled, rnd);
        int cut = 1 + rnd.nextInt(GROUP.size() - 1), at = rnd.nextInt(2500);
        sim.at(Duration.ofMillis(at), () -> sim.network().partition(shuffled.subList(0, cut), shuffled.subList(cut, shuffled.size())));
        sim.at(Duration.ofMillis(at + 100 + rnd.nextInt(900)), () -> sim.network().heal());
        sim.at(Duration.ofMillis(3500), () -> sim.network().heal().loss(0).duplicate(0));

        List<SimRequest> requests = new ArrayList<>();
        for (NodeId o : origins) {
            for (int i = 0; i < 8; i++) requests.add(sim.requestAt(Duration.ofMillis(rnd.nextInt(3000)), o, o + "/" + i));
        }

        boolean done = sim.runUntil(() -> sim.now() > Duration.ofMillis(3500).toNanos() && allDelivered(sim, log, requests),
                Duration.ofSeconds(60));
        assertThat(done).as("every acknowledged message is delivered everywhere once the faults heal").isTrue();
        for (SimRequest r : requests) {
            if (!r.done()) continue;
            assertThat(log.payload(r.node(), (Long) r.result())).as("what " + r.node() + " acknowledged as #" + r.result())
                    .isEqualTo(r.body());
        }
        REPAIRS.addAndGet(sim.messageCounts().getOrDefault("Retransmission", 0L));
    }

    private static boolean allDelivered(Simulation sim, DeliveryLog log, List<SimRequest> requests) {
        for (SimRequest r : requests) {
            if (!r.finished()) return false;
            if (!r.done()) continue;
            for (NodeId m : GROUP) if (log.count(m, r.node()) < (Long) r.result()) return false;
        }
        return true;
    }
}
