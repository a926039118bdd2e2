package dsys.core.multicast;

import dsys.core.node.NodeId;
import dsys.core.sim.Simulation;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The notes' claim about feedback control, measured: one origin multicasts {@value #MESSAGES} messages to n members
 * over a lossy network, and we count the feedback the receivers send until every member has every message. Printed as
 * a table (in target/surefire-reports/dsys.core.multicast.FeedbackCostTest-output.txt); asserted is only the
 * direction at every n at loss {@value #ASSERTED_LOSS} (whenever that rate is measured): NACKs with suppression < NACKs < ACKs, counting a
 * multicast feedback message once (IP multicast, the notes' model). The envelopes our unicast transport carries are
 * printed beside it: there a multicast request costs n − 1 copies, and suppression saves far less.
 */
class FeedbackCostTest {

    static final int MESSAGES = 50;
    static final double ASSERTED_LOSS = 0.1;
    static final MulticastTiming TIMING = new MulticastTiming(Duration.ofMillis(100), Duration.ofMillis(100),
            Duration.ofSeconds(60));

    record Cost(long messages, long envelopes, long toOrigin) {
    }

    @Test
    void negativeAcknowledgementsWithSuppressionSendAFractionOfThePositiveOnes() {
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "%n%d messages from one origin, network delay 1..10 ms; feedback messages (a multicast counted once)"
                        + " / envelopes / of which to the origin%n%4s %5s %22s %22s %22s %22s %9s%n", MESSAGES,
                "n", "loss", "ACK", "NACK", "NACK+suppression", "hierarchical", "fraction"));
        for (int n : new int[]{10, 50, 100}) {
            for (double loss : losses()) {
                Map<Scheme, Cost> cost = new EnumMap<>(Scheme.class);
                for (Scheme s : Scheme.COMPARED) cost.put(s, measure(s, n, loss, 1));
                double fraction = (double) cost.get(Scheme.NACK_SUPPRESSION).messages() / cost.get(Scheme.ACK).messages();
                table.append(String.format(Locale.ROOT, "%4d %5.2f %22s %22s %22s %22s %9.3f%n", n, loss,
                        cell(cost.get(Scheme.ACK)), cell(cost.get(Scheme.NACK)), cell(cost.get(Scheme.NACK_SUPPRESSION)),
                        cell(cost.get(Scheme.HIERARCHICAL)), fraction));
                if (loss == ASSERTED_LOSS) {
                    assertThat(cost.get(Scheme.NACK_SUPPRESSION).messages()).as("n=%d: NACK+suppression < NACK", n)
                            .isLessThan(cost.get(Scheme.NACK).messages());
                    assertThat(cost.get(Scheme.NACK).messages()).as("n=%d: NACK < ACK", n)
                            .isLessThan(cost.get(Scheme.ACK).messages());
                    assertThat(cost.get(Scheme.HIERARCHICAL).toOrigin()).as("n=%d: hierarchical spares the origin", n)
                            .isLessThan(cost.get(Scheme.NACK).toOrigin());
                }
            }
        }
        System.out.println(table);
    }

    /** The loss rates to measure: {@value #ASSERTED_LOSS} by default, more with -Ddsys.feedback.losses=0.01,0.05,0.1. */
    private static double[] losses() {
        String s = System.getProperty("dsys.feedback.losses");
        if (s == null || s.isBlank()) return new double[]{ASSERTED_LOSS};
        return java.util.Arrays.stream(s.split(",")).mapToDouble(x -> Double.parseDouble(x.trim())).toArray();
    }

    private static String cell(Cost c) {
        return c.messages() + " / " + c.envelopes() + " / " + c.toOrigin();
    }

    /** Runs one origin's messages to completion and sums the feedback every member sent. */
    static Cost measure(Scheme scheme, int n, double loss, long seed) {
        List<NodeId> group = IntStream.rangeClosed(1, n).mapToObj(i -> NodeId.of("mc-" + i)).toList();
        Simulation sim = new Simulation(seed);
        DeliveryLog log = new DeliveryLog();
        for (NodeId m : group) sim.add(m, env -> new MulticastMember(env, d -> scheme.create(env, group, TIMING, d), log));
        sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(10)).loss(loss);
        NodeId origin = group.get(0);
        for (int i = 0; i < MESSAGES; i++) sim.requestAt(Duration.ofMillis(20L * i), origin, "m" + i);
        long start = System.nanoTime();
        boolean done = sim.runUntil(() -> log.total() == (long) n * MESSAGES, Duration.ofSeconds(120));
        System.out.printf(Locale.ROOT, "%s n=%d loss=%.2f: %d envelopes, %.0f ms%n", scheme, n, loss, sim.messagesSent(),
                (System.nanoTime() - start) / 1e6);
        assertThat(done).as("%s at n=%d: every member got every message", scheme, n).isTrue();
        long messages = 0, envelopes = 0, toOrigin = 0;
        for (NodeId m : group) {
            FeedbackCount f = ((MulticastMember) sim.core(m)).channel().feedback();
            messages += f.messages();
            envelopes += f.envelopes();
            toOrigin += f.toOrigin();
        }
        return new Cost(messages, envelopes, toOrigin);
    }
}
