package dsys.core.multicast;

import dsys.core.event.Event;
import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.core.sim.SimRequest;
import dsys.core.sim.Simulation;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Atomic multicast with views under loss, duplication, reordering and crashes of members (often the view's
 * coordinator, which orders the messages) while messages are being multicast; a crashed member may come back and
 * must then stay out (crash-stop). Judged by {@link ViewLog} from what
 * the members delivered and installed: virtual synchrony (what any member delivered in a view, every member that
 * survives into the next view delivered there too, in the same order), FIFO per origin; and once the crashes are
 * over, the survivors are in one view of exactly the live members and every answered multicast reached all of them.
 */
class AtomicMulticastTest {

    static final List<NodeId> GROUP = IntStream.rangeClosed(1, 5).mapToObj(i -> NodeId.of("am-" + i)).toList();

    private static final AtomicLong FLUSHED = new AtomicLong();
    private static final AtomicLong COORDINATOR_CRASHES = new AtomicLong();
    private static final AtomicLong CAUGHT_UP = new AtomicLong();

    @Test
    void everyMessageOfAViewReachesAllItsSurvivorsOrNone() {
        long flushed = FLUSHED.get(), coordinators = COORDINATOR_CRASHES.get(), caughtUp = CAUGHT_UP.get();
        Seeds.run("atomic multicast under crashes", 200, AtomicMulticastTest::run);
        assertThat(FLUSHED.get() - flushed).as("messages delivered by a flush (the path under test ran)").isPositive();
        assertThat(COORDINATOR_CRASHES.get() - coordinators).as("runs where the coordinator crashed").isPositive();
        assertThat(CAUGHT_UP.get() - caughtUp).as("installs a member missed and took from one that made them").isPositive();
    }

    private static void run(long seed) {
        Simulation sim = new Simulation(seed);
        Random rnd = new Random(seed);
        ViewLog log = new ViewLog();
        for (NodeId m : GROUP) sim.add(m, env -> new AtomicMember(env, GROUP, log));
        sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(10)).loss(0.1).duplicate(0.05)
                .reorder(0.1, Duration.ofMillis(20));

        List<NodeId> crashed = new ArrayList<>();
        int crashes = 1 + rnd.nextInt(2);
        List<NodeId> candidates = new ArrayList<>(GROUP);
        java.util.Collections.shuffle(candidates, rnd);
        if (rnd.nextBoolean()) candidates.add(0, GROUP.get(0)); // the first view's coordinator
        for (NodeId victim : candidates) {
            if (crashed.size() == crashes) break;
            if (crashed.contains(victim)) continue;
            crashed.add(victim);
            int at = 100 + rnd.nextInt(2000), back = rnd.nextInt(3);
            sim.at(Duration.ofMillis(at), () -> {
                if (((AtomicMember) sim.core(victim)).channel().view().coordinator().equals(victim)) {
                    COORDINATOR_CRASHES.incrementAndGet();
                }
                sim.crash(victim);
            });
            // A crashed member may come back (recovering, or as a new process): it must stay out of the group.
            if (back == 1) sim.at(Duration.ofMillis(at + 300), () -> sim.restart(victim));
            if (back == 2) sim.at(Duration.ofMillis(at + 300), () -> sim.restartProcess(victim));
        }
        List<SimRequest> requests = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            NodeId origin = GROUP.get(rnd.nextInt(GROUP.size()));
            requests.add(sim.requestAt(Duration.ofMillis(rnd.nextInt(2500)), origin, origin + "/" + i));
        }
        List<NodeId> live = GROUP.stream().filter(n -> !crashed.contains(n)).toList();

        boolean settled = sim.runUntil(() -> sim.now() > Duration.ofMillis(2500).toNanos()
                && requests.stream().allMatch(r -> r.finished() || !live.contains(r.node()))
                && live.stream().allMatch(n -> {
                    AtomicMulticast c = ((AtomicMember) sim.core(n)).channel();
                    return !c.flushing() && c.view().nodes().equals(live);
                })
                && requests.stream().filter(SimRequest::done).allMatch(r -> live.stream().allMatch(n ->
                        log.all(n).contains(r.node() + "#" + r.result() + "=" + r.body()))), Duration.ofSeconds(30));
        log.check();
        assertThat(settled).as("the survivors end in one view of the live members, every multicast answered, every "
                + "answered multicast delivered by every survivor").isTrue();
        for (Event e : sim.events()) {
            if (e.kind().equals("multicast.view.installed")) FLUSHED.addAndGet(((Number) e.fields().get("flushed")).longValue());
            if (e.kind().equals("multicast.view.caught-up")) CAUGHT_UP.incrementAndGet();
        }
    }
}
