package dsys.lock.byzantine;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ByzantineGeneralTest {

    @Test
    void pathsRoundTripAsMessageKeys() {
        ByzantineGeneral g = new ByzantineGeneral(12, 0, "v", 3, null);
        assertThat(g.key(ByzantineGeneral.ROOT)).isEmpty();
        assertThat(g.path("")).isEqualTo(ByzantineGeneral.ROOT);
        assertThat(g.key(g.path("3.0.11"))).isEqualTo("3.0.11");
        assertThat(g.list(g.path("3.0.11"))).containsExactly(3, 0, 11);
        assertThat(g.path("3.3")).as("a general appears once on a path").isEqualTo(-1);
        assertThat(g.path("12")).isEqualTo(-1);
        assertThat(g.path("x")).isEqualTo(-1);
    }

    @Test
    void pathsOfALengthAreTheDistinctSequences() {
        ByzantineGeneral g = new ByzantineGeneral(4, 0, "v", 3, null);
        assertThat(g.paths(2)).hasSize(12);
        assertThat(g.paths(3)).hasSize(24);
        assertThat(java.util.Arrays.stream(g.paths(2)).mapToObj(g::key)).startsWith("0.1", "0.2", "0.3", "1.0");
    }

    @Test
    void majorityIsStrict() {
        assertThat(ByzantineGeneral.majority(List.of("a", "b"))).isEqualTo(ByzantineGeneral.UNKNOWN);
        assertThat(ByzantineGeneral.majority(List.of("a", "b", "a"))).isEqualTo("a");
        assertThat(ByzantineGeneral.majority(List.of("a", "b", "a", "b"))).isEqualTo(ByzantineGeneral.UNKNOWN);
    }

    @Test
    void aMissingReportCountsAsUnknown() {
        ByzantineGeneral g = new ByzantineGeneral(3, 0, "v0", 1, null);
        g.receive(1, 1, Map.of(ByzantineGeneral.ROOT, "v1"));
        g.closeRound(1); // general 2 never reported
        assertThat(g.vector()).containsExactly("v0", "v1", ByzantineGeneral.UNKNOWN);
    }

    @Test
    void treeSizeCountsEveryPath() {
        assertThat(ByzantineGeneral.treeSize(4, 2)).isEqualTo(4 + 12);
        assertThat(ByzantineGeneral.treeSize(7, 3)).isEqualTo(7 + 42 + 210);
    }
}
