package dsys.launcher.warmup;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WarmupCommandTest {

    @Test
    void settledOnlyAfterTwoQuietWindowsInARow() {
        assertThat(WarmupCommand.settled(List.of(0.05), 0.12)).isFalse();
        assertThat(WarmupCommand.settled(List.of(0.5, 0.05), 0.12)).isFalse();
        assertThat(WarmupCommand.settled(List.of(0.5, 0.05, 0.11), 0.12)).isTrue();
        assertThat(WarmupCommand.settled(List.of(0.05, 0.05, 0.30), 0.12)).isFalse();
        assertThat(WarmupCommand.settled(List.of(Double.NaN, Double.NaN), 0.12)).isFalse(); // nothing ran: not settled
    }
}
