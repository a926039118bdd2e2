package dsys.core.epidemic;

import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * More hot rumors than one push carries, while the first keys are written again and again (a benchmark's
 * overwrites): every hot rumor still gets its turn. Pushes used to start from the first key, so the rumors late in
 * key order were never pushed while the load lasted (only anti-entropy, turned off here, would have carried them).
 */
class RumorTurnsTest {

    @Test
    void everyHotRumorIsPushedUnderLoad() {
        Seeds.run("rumor turns", 10, seed -> {
            // rumors every 50 ms with k = 3, no anti-entropy, ~12 updates of these sizes per push
            EpidemicSettings s = new EpidemicSettings(50, 3, 0, Exchange.PUSH_PULL, 60_000, 1, 1024);
            EpidemicCluster c = new EpidemicCluster(seed, 2, s, false);
            NodeId writer = c.nodes.get(0), other = c.nodes.get(1);
            for (int i = 0; i < 50; i++) c.await(c.write(writer, key(i), "v"));
            for (int round = 0; round < 60; round++) { // 3 s of rewrites of the first 12 keys, 20 a second each
                for (int i = 0; i < 12; i++) c.await(c.write(writer, key(i), "r" + round));
                c.sim.runFor(Duration.ofMillis(50));
            }
            for (int i = 0; i < 50; i++) {
                assertThat(c.node(other).epidemic.read(key(i))).as("%s at %s after 3 s of load (seed %d)", key(i), other, seed)
                        .isNotNull();
            }
        });
    }

    private static String key(int i) {
        return String.format("k-%03d", i);
    }
}
