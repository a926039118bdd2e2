package dsys.lock.sim;

import dsys.lock.node.LockConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A grant made just before an epoch change sends its RecordHold to nodes that have promised the newer epoch; they
 * refuse it, so no majority records it and the grant is given back. The client's wait has not run out, so it waits
 * on in the new epoch and is granted there, instead of hearing a 409 from a healthy cluster. Seed 21 of a
 * coordinator crash and restart hits that window (the loops refuse any refusal).
 */
@ExtendWith(JudgedFromClients.class)
class EpochChangeUnderGrantTest {

    @Test
    void aGrantWhoseRecordersMovedOnIsQueuedAgainInTheNewEpoch() {
        LockSim ls = new LockSim(21, 3, LockConfig.sim().withAlgorithm("centralized"));
        List<Loop> loops = StatsAcrossRestartTest.coordinatorRestartMidSeries(ls, Duration.ofMillis(2_000)).loops();
        ls.sim.runFor(Duration.ofMillis(300));

        assertThat(ls.sim.events()).as("the window this test is about was hit")
                .anyMatch(e -> e.kind().equals("lock.requeue"));
        assertThat(loops.stream().mapToInt(l -> l.entries).sum()).isGreaterThan(100);
        ls.assertSafe();
    }
}
