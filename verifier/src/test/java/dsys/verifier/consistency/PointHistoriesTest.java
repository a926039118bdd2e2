package dsys.verifier.consistency;

import dsys.verifier.history.Call;
import dsys.verifier.history.History;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PointHistoriesTest {

    @Test
    void tabColumnsAreTimeAndOpsInOneColumnOverlap() {
        History h = PointHistories.parse("P1:\tW(x)a\t\tR(y)NIL\nP2:\t\tR(x)a\tR(y)b\nP3:\tW(y)b");
        Call write = h.calls().stream().filter(c -> c.f().equals("write") && c.key().equals("x")).findFirst().orElseThrow();
        Call wy = h.calls().stream().filter(c -> c.f().equals("write") && c.key().equals("y")).findFirst().orElseThrow();
        Call rx = h.calls().stream().filter(c -> c.process().equals("P2") && c.key().equals("x")).findFirst().orElseThrow();
        Call ryNil = h.calls().stream().filter(c -> c.process().equals("P1") && c.f().equals("read")).findFirst().orElseThrow();
        assertThat(write.precedes(rx)).isTrue();
        assertThat(write.precedes(wy)).as("same column").isFalse();
        assertThat(wy.precedes(write)).isFalse();
        assertThat(ryNil.output()).isNull();
        assertThat(rx.output()).isEqualTo("a");
    }

    @Test
    void rowsWithoutTabsUseConsecutiveColumns() {
        History h = PointHistories.parse("P1: W(x)a R(x)a");
        assertThat(h.calls().get(0).precedes(h.calls().get(1))).isTrue();
        assertThatThrownBy(() -> PointHistories.parse("P1: X(x)a")).hasMessageContaining("not an op");
    }
}
