package dsys.core.sim;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SeedsTest {

    private final List<Long> ran = new ArrayList<>();

    private void failOnSeven(long seed) {
        ran.add(seed);
        if (seed == 7) throw new AssertionError("boom at " + seed);
    }

    @Test
    void theFirstFailingSeedIsNamedWithHowToReplayIt() {
        AssertionError e = catchThrowableOfType(() -> Seeds.run("locks", 10, this::failOnSeven, k -> null), AssertionError.class);
        assertThat(e).hasMessage("locks: seed 7 failed (replay with -Ddsys.seed=7): boom at 7");
        assertThat(e.getCause()).hasMessage("boom at 7");
        assertThat(ran).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
    }

    @Test
    void sumAddsEachSeedsCountsElementByElement() {
        assertThat(Seeds.sum("counts", 4, 2, seed -> new long[]{seed, 1}, k -> null)).containsExactly(10, 4);
        assertThat(Seeds.sum("replay", 4, 2, seed -> new long[]{seed, 1}, Map.of("dsys.seed", "3")::get))
                .containsExactly(3, 1);
    }

    @Test
    void allSeedsPassingRunsOneThroughCount() {
        Seeds.run("ok", 5, ran::add, k -> null);
        assertThat(ran).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void dsysSeedsChangesTheCountAndDsysSeedReplaysOne() {
        Seeds.run("count", 10, ran::add, Map.of("dsys.seeds", "3")::get);
        assertThat(ran).containsExactly(1L, 2L, 3L);
        ran.clear();
        AssertionError e = catchThrowableOfType(
                () -> Seeds.run("one", 3, this::failOnSeven, Map.of("dsys.seed", "7", "dsys.seeds", "100")::get),
                AssertionError.class);
        assertThat(ran).containsExactly(7L);
        assertThat(e).hasMessageStartingWith("one: seed 7 failed");
    }

    @Test
    void theSystemPropertyIsWhatReplaysASeed() {
        String before = System.getProperty("dsys.seed");
        System.setProperty("dsys.seed", "12345");
        try {
            Seeds.run("sys", 3, ran::add);
        } finally {
            if (before == null) System.clearProperty("dsys.seed");
            else System.setProperty("dsys.seed", before);
        }
        assertThat(ran).containsExactly(12345L);
    }

    @Test
    void aSimulationFailureInsideSeedsNamesTheSeedTwice() {
        AssertionError e = catchThrowableOfType(() -> Seeds.run("sim", 5, seed -> {
            Simulation sim = new Simulation(seed);
            sim.invariant("seed is not 4", () -> {
                if (sim.seed() == 4) throw new AssertionError("it is");
            });
            sim.add(TestCores.id("s-1"), TestCores.Sink::new);
            sim.runFor(Duration.ofMillis(1));
        }, k -> null), AssertionError.class);
        assertThat(e.getMessage()).startsWith("sim: seed 4 failed (replay with -Ddsys.seed=4): invariant \"seed is not 4\"")
                .contains("(seed 4)");
        assertThat(e.getCause()).isInstanceOf(SimulationFailure.class);
    }

    @Test
    void aMalformedSettingIsExplained() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Seeds.run("x", 1, ran::add, Map.of("dsys.seeds", "many")::get))
                .withMessageContaining("dsys.seeds");
    }
}
