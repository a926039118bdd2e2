package dsys.time.unit;

import dsys.time.averaging.TrimmedMean;
import dsys.time.berkeley.FaultTolerantAverage;
import dsys.time.schedule.ResyncInterval;
import dsys.time.sync.Algorithm;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AlgorithmPartsTest {

    @Test
    void trimmedMeanDiscardsTheExtremes() {
        assertThat(TrimmedMean.of(List.of(0L, 10L, 20L, 1000L, -1000L), 1)).isEqualTo(10);
        assertThat(TrimmedMean.of(List.of(0L, 10L, 20L), 0)).isEqualTo(10);
        assertThat(TrimmedMean.of(List.of(0L, 100L), 5)).isEqualTo(50); // too few to trim: plain mean
    }

    @Test
    void berkeleyIgnoresClocksFarFromTheMedian() {
        FaultTolerantAverage a = FaultTolerantAverage.of(Map.of("time-1", 0L, "time-2", 30L, "time-3", 60L, "time-4", 10_000L), 100);
        assertThat(a.median()).isEqualTo(30);
        assertThat(a.ignored()).containsExactly("time-4");
        assertThat(a.average()).isEqualTo(30);
    }

    @Test
    void resyncIntervalIsDeltaOverTwoRho() {
        // δ = 10 ms, ρ = 100 ppm: notes' interval 50 s; with 2 ms residual and a 1 s round, 39 s.
        ResyncInterval i = ResyncInterval.of(10_000_000, 100, 2_000_000, 1_000_000_000L, 200_000_000, 3_600_000_000_000L);
        assertThat(i.notesIntervalNanos()).isEqualTo(50_000_000_000L);
        assertThat(i.intervalNanos()).isEqualTo(39_000_000_000L);
        assertThat(ResyncInterval.of(10_000_000, 0, 0, 0, 1, 99).intervalNanos()).isEqualTo(99); // no drift: the cap
        assertThat(ResyncInterval.of(10_000_000, 100, 20_000_000, 0, 7, 99_000_000_000L).intervalNanos()).isEqualTo(7);
    }

    @Test
    void algorithmsParseByTheirWireNames() {
        assertThat(Algorithm.parse(" NTP ")).contains(Algorithm.NTP);
        assertThat(Algorithm.parse("sundial")).isEmpty();
        assertThat(Algorithm.names()).containsExactly("cristian", "berkeley", "averaging", "ntp");
    }
}
