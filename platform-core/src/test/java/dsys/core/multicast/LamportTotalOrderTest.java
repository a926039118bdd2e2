package dsys.core.multicast;

import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.core.sim.SimRequest;
import dsys.core.sim.Simulation;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lamport's totally ordered multicast with every process multicasting at once (equal timestamps happen: the origin
 * breaks the tie), under loss, duplication, reordering, a partition and crashes with restarts: once the faults heal,
 * every process has delivered the same sequence, every acknowledged multicast is in it once, and the sequence is in
 * (timestamp, origin) order.
 */
class LamportTotalOrderTest {

    static final List<NodeId> GROUP = IntStream.rangeClosed(1, 4).mapToObj(i -> NodeId.of("lt-" + i)).toList();
    private static final AtomicLong TIES = new AtomicLong();

    /** Multicasts each request, answers with its timestamp, records deliveries (outside the core: they survive crashes). */
    static final class Process implements Core {
        private final Env env;
        private final LamportTotalOrder order;

        Process(Env env, Map<NodeId, List<Delivery>> log) {
            this.env = env;
            this.order = new LamportTotalOrder(env, GROUP, ReliableMulticastTest.TIMING, "lto.",
                    d -> log.computeIfAbsent(env.self(), k -> new ArrayList<>()).add(d));
        }

        @Override
        public void onStart() {
            order.start();
        }

        @Override
        public void onRequest(RequestId request, Object body) {
            env.reply(request, order.multicast((String) body));
        }

        @Override
        public void onMessage(NodeId from, Message m) {
            if (!order.onMessage(from, m)) throw new IllegalStateException("unexpected " + m);
        }

        @Override
        public void onTimer(Object timer) {
            if (!order.onTimer(timer)) throw new IllegalStateException("unexpected timer " + timer);
        }
    }

    @Test
    void everyProcessDeliversTheSameSequence() {
        long ties = TIES.get();
        Seeds.run("Lamport total order", 60, LamportTotalOrderTest::run);
        assertThat(TIES.get() - ties).as("messages with equal timestamps (the tie-break ran)").isPositive();
    }

    /**
     * Failure-free, one multicast at a time: each costs n − 1 copies of the message and (n − 1)² of acknowledgements
     * (the origin's message is its own acknowledgement), the channel's acknowledgements mostly ride on those, and the
     * clock's ceiling is stored once, not at every tick.
     */
    @Test
    void theOriginsMessageIsItsAcknowledgementAndTheChannelsAcknowledgementsRideAlong() {
        Simulation sim = new Simulation(7);
        Map<NodeId, List<Delivery>> log = new TreeMap<>();
        for (NodeId p : GROUP) sim.add(p, env -> new Process(env, log));
        sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(3));
        int count = 30, n = GROUP.size();
        List<SimRequest> requests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            NodeId p = GROUP.get(i % n);
            requests.add(sim.requestAt(Duration.ofMillis(40L * i), p, p + "/" + i));
        }
        assertThat(sim.runUntil(() -> requests.stream().allMatch(SimRequest::done)
                && GROUP.stream().allMatch(p -> log.getOrDefault(p, List.of()).size() == count), Duration.ofSeconds(10))).isTrue();
        sim.runFor(Duration.ofMillis(200)); // owed acknowledgements go out
        Map<String, Long> sent = sim.messageCounts();
        assertThat(sent.getOrDefault("Data", 0L)).as("messages and acknowledgement multicasts")
                .isEqualTo((long) count * ((n - 1) + (long) (n - 1) * (n - 1)));
        assertThat(sent.getOrDefault("Retransmission", 0L)).isZero();
        // Without piggybacking every Data draws an Ack; one at a time, only some find a message to ride on.
        assertThat(sent.getOrDefault("Ack", 0L)).as("channel acknowledgements sent on their own")
                .isLessThan(sent.get("Data") * 3 / 4);
        long last = log.get(GROUP.get(0)).get(count - 1).seq();
        for (NodeId p : GROUP) {
            assertThat(sim.storage(p).get("lto.clock").map(Long::parseLong).orElseThrow()).as("%s's stored ceiling", p)
                    .isGreaterThan(last).isLessThanOrEqualTo(LamportTotalOrder.CLOCK_LEAP + 2);
        }
    }

    private static void run(long seed) {
        Simulation sim = new Simulation(seed);
        Random rnd = new Random(seed);
        Map<NodeId, List<Delivery>> log = new TreeMap<>();
        for (NodeId p : GROUP) sim.add(p, env -> new Process(env, log));
        sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(10)).loss(0.1).duplicate(0.05)
                .reorder(0.1, Duration.ofMillis(20));
        NodeId victim = GROUP.get(rnd.nextInt(GROUP.size()));
        int crashAt = rnd.nextInt(2000);
        boolean asProcess = rnd.nextBoolean();
        sim.at(Duration.ofMillis(crashAt), () -> sim.crash(victim));
        sim.at(Duration.ofMillis(crashAt + 50 + rnd.nextInt(500)), () -> {
            if (asProcess) sim.restartProcess(victim);
            else sim.restart(victim);
        });
        List<NodeId> shuffled = new ArrayList<>(GROUP);
        java.util.Collections.shuffle(shuffled, rnd);
        int cut = 1 + rnd.nextInt(GROUP.size() - 1), at = rnd.nextInt(2000);
        sim.at(Duration.ofMillis(at), () -> sim.network().partition(shuffled.subList(0, cut), shuffled.subList(cut, shuffled.size())));
        sim.at(Duration.ofMillis(at + 100 + rnd.nextInt(600)), () -> sim.network().heal());
        sim.at(Duration.ofMillis(2500), () -> sim.network().loss(0).duplicate(0));

        List<SimRequest> requests = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            NodeId p = GROUP.get(rnd.nextInt(GROUP.size()));
            requests.add(sim.requestAt(Duration.ofMillis(rnd.nextInt(2500)), p, p + "/" + i));
        }
        long answered = 0;
        boolean done = sim.runUntil(() -> sim.now() > Duration.ofMillis(2500).toNanos()
                && requests.stream().allMatch(SimRequest::finished)
                && GROUP.stream().allMatch(p -> log.getOrDefault(p, List.of()).size()
                == requests.stream().filter(SimRequest::done).count()), Duration.ofSeconds(60));
        assertThat(done).as("every process delivers every acknowledged multicast once the faults heal").isTrue();
        List<Delivery> first = log.get(GROUP.get(0));
        for (NodeId p : GROUP) assertThat(log.get(p)).as("%s's sequence", p).isEqualTo(first);
        for (SimRequest r : requests) {
            if (!r.done()) continue;
            answered++;
            assertThat(first).as("the acknowledged %s", r.body()).containsOnlyOnce(new Delivery(r.node(), (Long) r.result(), (String) r.body()));
        }
        assertThat(first).hasSize((int) answered);
        for (int i = 1; i < first.size(); i++) {
            Delivery a = first.get(i - 1), b = first.get(i);
            assertThat(a.seq() < b.seq() || a.seq() == b.seq() && a.origin().compareTo(b.origin()) < 0)
                    .as("%s before %s: (timestamp, origin) order", a, b).isTrue();
            if (a.seq() == b.seq()) TIES.incrementAndGet();
        }
    }
}
