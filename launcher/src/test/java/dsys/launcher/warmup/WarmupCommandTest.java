package dsys.launcher.warmup;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WarmupCommandTest {

    // a thread's stat as Linux writes it: the name in parentheses, then state, then 11 fields before utime, stime
    private static final String C2 = "4242 (C2 CompilerThre) S 1 4200 4200 0 -1 4194368 100 0 0 0 731 54 0 0 20 0 30 0";
    private static final String ODD = "4243 (a) b (c) R 1 4200 4200 0 -1 4194368 100 0 0 0 7 3 0 0 20 0 30 0";

    @Test
    void ticksAreUserPlusSystemTimeCountedFromTheLastParenthesis() {
        assertThat(JitCpu.ticks(C2)).isEqualTo(785);
        assertThat(JitCpu.ticks(ODD)).isEqualTo(10);
        assertThat(JitCpu.compilerThread(C2)).isTrue();
        assertThat(JitCpu.compilerThread(ODD)).isFalse();
        assertThat(JitCpu.compilerThread(C2.replace("C2 CompilerThre", "C1 CompilerThre"))).isTrue();
    }

    @Test
    void thisJvmsOwnThreadsAreRead() {
        JitCpu.Ticks t = JitCpu.of(ProcessHandle.current().pid());
        assertThat(t.all()).isPositive();
        assertThat(t.compiler()).isBetween(0L, t.all());
        assertThat(JitCpu.of(Long.MAX_VALUE)).isEqualTo(new JitCpu.Ticks(0, 0)); // gone: nothing, no exception
    }

    @Test
    void settledOnlyAfterTwoQuietWindowsInARow() {
        assertThat(WarmupCommand.settled(List.of(0.05), 0.12)).isFalse();
        assertThat(WarmupCommand.settled(List.of(0.5, 0.05), 0.12)).isFalse();
        assertThat(WarmupCommand.settled(List.of(0.5, 0.05, 0.11), 0.12)).isTrue();
        assertThat(WarmupCommand.settled(List.of(0.05, 0.05, 0.30), 0.12)).isFalse();
        assertThat(WarmupCommand.settled(List.of(Double.NaN, Double.NaN), 0.12)).isFalse(); // nothing ran: not settled
    }

    @Test
    void jvmsAreNamePidPairs() {
        assertThat(WarmupCommand.jvms("gateway=12,lock-1=34")).containsExactly(Map.entry("gateway", 12L), Map.entry("lock-1", 34L));
        assertThat(WarmupCommand.jvms("")).isEmpty();
        assertThatThrownBy(() -> WarmupCommand.jvms("12")).isInstanceOf(IllegalArgumentException.class);
    }
}
