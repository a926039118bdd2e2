package dsys.time.sim;

import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.time.core.SyncDone;
import dsys.time.core.TimeConfig;
import dsys.time.sync.Algorithm;
import dsys.time.sync.SyncCommand;
import dsys.time.sync.SyncResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dsys.time.sim.Bounds.check;
import static dsys.time.sim.SimCluster.MS;

class CristianSimulationTest {

    /** Cristian: |error| ≤ (T1 − T0 − I)/2 + drift over the round trip and since (notes §4.2). */
    @Test
    void errorWithinHalfTheRoundTripLessProcessing() {
        Refusals refusals = new Refusals("cristian");
        Seeds.run("cristian", 1000, seed -> {
            boolean faults = seed % 2 == 0;
            Duration processing = Duration.ofNanos((seed % 5) * MS);
            SimCluster c = new SimCluster(seed, 3, faults, TimeConfig.defaults().withBounds(0, 0, processing));
            int samples = 1 + (int) (seed % 3);
            long start = c.sim.now();
            SyncResult r = refusals.run(c, c.node(1 + (int) (seed % 3)), new SyncCommand(Algorithm.CRISTIAN, null, samples),
                    faults, c.config.references().get(0));
            if (r == null) return;
            double rho = SimCluster.MAX_DRIFT_PPM / 1e6;
            for (SyncDone d : r.reports().values()) {
                if (!d.applied()) {
                    check(faults, "a client failed without faults: " + d, c, r);
                    continue;
                }
                long rtt = ((Number) d.detail().get("rttNanos")).longValue();
                long i = ((Number) d.detail().get("processingNanos")).longValue();
                long error = Math.abs(c.settled(NodeId.of(d.node())));
                long bound = (rtt - i) / 2 + (long) Math.ceil(2 * rho * rtt) + Bounds.drift(c, c.sim.now() - start);
                check(error <= bound, d.node() + " error " + error + " > (RTT−I)/2 + drift " + bound, c, r);
                check(d.errorBoundNanos() <= bound + Bounds.drift(c, c.sim.now() - start),
                        "reported bound looser than the notes' formula", c, r);
            }
            if (!faults) {
                check(r.reports().size() == 2, "both clients report", c, r);
                check(r.messages().count() == r.messages().expected() && r.messages().expected() == 4L * samples,
                        "messages " + r.messages() + " vs 2 per client per sample", c, r);
                check(r.after().maxSkewNanos() <= r.skewBoundNanos() + Bounds.pairDrift(c, c.sim.now() - start),
                        "after skew beyond the computed bound", c, r);
            }
        });
        refusals.assertWithinFaultModel();
    }
}
