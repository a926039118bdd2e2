package dsys.time.logical;

import dsys.core.node.NodeId;
import dsys.core.sim.SimRequest;
import dsys.core.sim.Seeds;
import dsys.core.sim.Simulation;
import dsys.time.core.OrderedEventsQuery;
import dsys.time.core.TimeConfig;
import dsys.time.core.TimeNodeCore;
import dsys.time.sync.Algorithm;
import dsys.time.sync.SyncCommand;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The service's events merged by (Lamport time, node id) form a total order that respects happened-before. */
class LamportOrderSimulationTest {

    @Test
    void totalOrderRespectsHappenedBefore() {
        Seeds.run("lamport-order", 50, seed -> {
            Simulation sim = new Simulation(seed);
            for (int i = 1; i <= 3; i++) {
                sim.add(NodeId.of("time-" + i), env -> new TimeNodeCore(env, TimeConfig.defaults()), (i - 1) * 700_000_000L, 0);
            }
            Algorithm a = Algorithm.values()[(int) (seed % 4)];
            SimRequest sync = sim.request(NodeId.of("time-2"), SyncCommand.of(a));
            assertThat(sim.runUntil(sync::finished, Duration.ofMinutes(1))).isTrue();
            SimRequest q = sim.request(NodeId.of("time-3"), new OrderedEventsQuery(256));
            assertThat(sim.runUntil(q::finished, Duration.ofMinutes(1))).isTrue();
            @SuppressWarnings("unchecked")
            List<LoggedEvent> order = (List<LoggedEvent>) q.result();
            assertThat(order).hasSizeGreaterThanOrEqualTo(8); // Cristian with one sample: start, 2 requests, 2 replies, 2 adjusts, done
            for (int i = 0; i < order.size(); i++) {
                for (int j = i + 1; j < order.size(); j++) {
                    LoggedEvent x = order.get(i), y = order.get(j);
                    assertThat(x.stamp()).isLessThan(y.stamp());
                    assertThat(y.vector().happenedBefore(x.vector()))
                            .as("%s happened before %s yet comes after it", y, x).isFalse();
                }
            }
            // The clocks logged are the ones the simulator's recorder saw for the same events.
            assertThat(order.stream().map(LoggedEvent::lamport).toList()).isSubsetOf(
                    sim.events().stream().filter(e -> e.kind().startsWith("time.")).map(e -> e.lamport()).toList());
        });
    }
}
