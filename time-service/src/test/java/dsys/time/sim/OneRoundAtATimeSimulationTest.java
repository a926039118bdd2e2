package dsys.time.sim;

import dsys.core.env.Rejection;
import dsys.core.sim.Seeds;
import dsys.core.sim.JournalEntry;
import dsys.core.sim.SimRequest;
import dsys.time.core.TimeConfig;
import dsys.time.sync.Algorithm;
import dsys.time.sync.SyncCommand;
import dsys.time.sync.SyncResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static dsys.time.sim.Bounds.check;
import static dsys.time.sim.SimCluster.MS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One synchronization round at a time in the cluster. Two rounds moving the same clocks would each read clocks the
 * other is correcting and correct them again; so a round whose survey finds another node coordinating a round steps
 * back with 409 {@code sync-in-progress}. Judged from the requests' start and answer times and the network's journal
 * (virtual true time): two rounds that both ran never surveyed each other's coordinator while it ran its own.
 */
class OneRoundAtATimeSimulationTest {

    @Test
    void roundsOnTwoCoordinatorsNeverOverlapAndNothingStaysBusy() {
        AtomicInteger refused = new AtomicInteger(), both = new AtomicInteger();
        Seeds.run("one-round-at-a-time", 80, seed -> {
            SimCluster c = new SimCluster(seed, 3, false, TimeConfig.defaults());
            Algorithm a = Algorithm.values()[(int) (seed % 4)], b = Algorithm.values()[(int) (seed / 4 % 4)];
            // the second round starts 0-3 s after the first: together, during its survey, well into it, or after it
            long stagger = (seed * 7919 % 13) * 250 * MS;
            SimRequest first = c.sim.request(c.node(1), SyncCommand.of(a));
            SimRequest second = c.sim.requestAt(Duration.ofNanos(c.sim.now() + stagger), c.node(2), SyncCommand.of(b));
            check(c.sim.runUntil(() -> first.finished() && second.finished(), Duration.ofMinutes(5)),
                    "both rounds answered", c, first + " / " + second);
            for (SimRequest r : new SimRequest[] {first, second}) {
                boolean ok = r.result() instanceof SyncResult
                        || r.result() instanceof Rejection rej && rej.status() == 409 && rej.type().equals("sync-in-progress");
                check(ok, "a round either ran or stepped back with 409 sync-in-progress", c, r.result());
                if (r.result() instanceof Rejection) refused.incrementAndGet();
            }
            if (first.result() instanceof SyncResult && second.result() instanceof SyncResult) {
                both.incrementAndGet();
                // each round's first survey reached the other coordinator only when that one ran no round
                for (SimRequest[] xy : new SimRequest[][] {{first, second}, {second, first}}) {
                    long seen = firstSurveyAt(c, xy[1], xy[0]);
                    check(!(seen > xy[0].invokedAt() && seen < xy[0].completedAt()), xy[1].node() + "'s round asked "
                            + xy[0].node() + " at " + seen / 1e6 + " ms, inside its round (" + xy[0].invokedAt() / 1e6
                            + " .. " + xy[0].completedAt() / 1e6 + " ms), and both ran", c, first + " / " + second);
                }
            }
            // a refused round leaves nothing behind: each node coordinates a round again
            check(c.sync(c.node(2), SyncCommand.of(b)) != null, "time-2 runs a round afterwards", c, null);
            check(c.sync(c.node(1), SyncCommand.of(a)) != null, "time-1 runs a round afterwards", c, null);
        });
        // not vacuous: some pairs overlapped (and were refused), some were far enough apart to both run
        assertThat(refused.get()).as("rounds refused over the seeds").isPositive();
        assertThat(both.get()).as("pairs where both rounds ran, one after the other").isPositive();
    }

    /** When {@code asker}'s round first surveyed {@code other}'s node (from the network's journal), or -1. */
    private static long firstSurveyAt(SimCluster c, SimRequest asker, SimRequest other) {
        return c.sim.journal().stream()
                .filter(e -> e.event().equals("receive") && e.type().equals("StatusQuery") && e.time() >= asker.invokedAt()
                        && e.node().equals(other.node().value()) && e.peer().equals(asker.node().value()))
                .mapToLong(JournalEntry::time).findFirst().orElse(-1);
    }
}
