package dsys.core.checkpoint;

import dsys.core.checkpoint.ProcessState.Sent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** What goes to stable storage comes back the same, empty channels and markers included. */
class CheckpointStorageFormatTest {

    private static final ProcessState STATE = new ProcessState(73,
            new TreeMap<>(Map.of("bank-2", List.of(Sent.transfer("t1", 20, 0), Sent.marker("s0-1-bank-1"), Sent.transfer("t9", 7, 3)), "bank-3", List.of())),
            new TreeMap<>(Map.of("bank-2", 4L, "bank-3", 0L)),
            new TreeMap<>(Map.of("bank-2", List.of("t4", "t6"), "bank-3", List.of())));

    @Test
    void processStateRoundTrips() {
        assertThat(ProcessState.decode(STATE.encode())).isEqualTo(STATE);
        assertThat(STATE.transfersSentTo("bank-2")).containsExactly("t1", "t9");
    }

    @Test
    void checkpointsAndLocalSnapshotsRoundTrip() {
        var independent = new IndependentCheckpoint(5, List.of(new Dependency("bank-2", 3, "bank-1", 4)), STATE);
        assertThat(IndependentCheckpoint.decode(independent.encode(), "bank-1")).isEqualTo(independent);
        var coordinated = new CoordinatedCheckpoint(12, STATE);
        assertThat(CoordinatedCheckpoint.decode(coordinated.encode())).isEqualTo(coordinated);
        var local = new LocalSnapshot("s2-7-bank-3", "bank-1", STATE,
                new TreeMap<>(Map.of("bank-2", List.of(Sent.transfer("t8", 11, 0)), "bank-3", List.of())),
                new TreeMap<>(Map.of("bank-2", 9L, "bank-3", 2L)));
        assertThat(LocalSnapshot.decode(local.encode())).isEqualTo(local);
    }
}
