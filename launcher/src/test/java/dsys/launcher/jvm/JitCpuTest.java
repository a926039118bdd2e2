package dsys.launcher.jvm;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JitCpuTest {

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
        assertThat(JitCpu.of(Long.MAX_VALUE)).isEqualTo(JitCpu.Ticks.NONE); // gone: nothing, no exception
    }

    @Test
    void severalJvmsAreSummed_andAGoneOneCountsNothing() {
        long me = ProcessHandle.current().pid();
        JitCpu.Ticks one = JitCpu.of(me);
        JitCpu.Ticks both = JitCpu.of(Map.of("me", me, "gone", Long.MAX_VALUE));
        assertThat(both.all()).isGreaterThanOrEqualTo(one.all()); // this JVM ran on in between, the gone one adds 0
        assertThat(JitCpu.of(Map.of())).isEqualTo(JitCpu.Ticks.NONE);
    }

    @Test
    void theShareIsTheCompilersPartOfAllTicks() {
        assertThat(new JitCpu.Ticks(25, 100).share()).isEqualTo(0.25);
        assertThat(new JitCpu.Ticks(130, 200).minus(new JitCpu.Ticks(30, 100)).share()).isEqualTo(1.0);
        assertThat(JitCpu.Ticks.NONE.share()).isZero(); // nothing ran
    }

    @Test
    void jvmsAreNamePidPairs() {
        assertThat(JitCpu.jvms("gateway=12,lock-1=34")).containsExactly(Map.entry("gateway", 12L), Map.entry("lock-1", 34L));
        assertThat(JitCpu.jvms("")).isEmpty();
        assertThatThrownBy(() -> JitCpu.jvms("12")).isInstanceOf(IllegalArgumentException.class);
    }
}
