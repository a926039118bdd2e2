package dsys.core.fault;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultStateTest {

    @Test
    void partitionsSeparateGroupsAndUnnamedNodesFormTheirOwnGroup() {
        FaultState f = new FaultState();
        f.partition(List.of(List.of("kv-1"), List.of("kv-2", "kv-3")));
        assertThat(f.partitioned("kv-1", "kv-2")).isTrue();
        assertThat(f.partitioned("kv-3", "kv-2")).isFalse();
        assertThat(f.partitioned("kv-1", "kv-4")).isTrue();
        assertThat(f.partitioned("kv-4", "kv-5")).isFalse();
        f.heal();
        assertThat(f.partitioned("kv-1", "kv-2")).isFalse();
    }

    @Test
    void aNodeInTwoGroupsIsRefused() {
        assertThatThrownBy(() -> new FaultState().partition(List.of(List.of("a-1"), List.of("a-1", "a-2"))))
                .hasMessageContaining("a-1 appears in two partition groups");
    }

    @Test
    void linkFaultsDropDelayAndDuplicateAtTheirRates() {
        FaultState f = new FaultState();
        f.addLink(new LinkFault("a-1", "*", 0.3, 10, 5, 0.2));
        SplittableRandom r = new SplittableRandom(7);
        int dropped = 0, doubled = 0, n = 20_000;
        for (int i = 0; i < n; i++) {
            Delivery d = f.decide("a-1", "a-2", r);
            if (d.dropped()) dropped++;
            else {
                assertThat(d.delayMs()).isBetween(10L, 15L);
                if (d.copies() == 2) doubled++;
            }
        }
        // Binomial std-dev ≈ 0.003 for p=0.3, n=20000: 5σ bounds.
        assertThat(dropped / (double) n).isBetween(0.285, 0.315);
        assertThat(doubled / (double) (n - dropped)).isBetween(0.18, 0.22);
        assertThat(f.decide("a-2", "a-1", r)).isEqualTo(Delivery.NORMAL);
    }

    @Test
    void aCrashPointFiresOncePerArming() {
        FaultState f = new FaultState();
        assertThat(f.fireCrashPoint("after-prepare-sent")).isFalse();
        f.armCrashPoint("after-prepare-sent");
        assertThat(f.fireCrashPoint("after-prepare-sent")).isTrue();
        assertThat(f.fireCrashPoint("after-prepare-sent")).isFalse();
    }

    @Test
    void badRatesAreRefusedWithTheFieldName() {
        assertThatThrownBy(() -> new LinkFault("a", "b", 1.5, 0, 0, 0)).hasMessageContaining("dropRate");
        assertThatThrownBy(() -> new LinkFault("a", "b", 0, -1, 0, 0)).hasMessageContaining("delayMs");
    }
}
