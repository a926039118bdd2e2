package dsys.time.sim;

import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.time.core.SyncDone;
import dsys.time.core.TimeConfig;
import dsys.time.ntp.NtpMode;
import dsys.time.sync.Algorithm;
import dsys.time.sync.SyncCommand;
import dsys.time.sync.SyncResult;
import org.junit.jupiter.api.Test;

import static dsys.time.sim.Bounds.check;

class NtpSimulationTest {

    /**
     * Each corrected client is within its root distance of true time; a client of the reference is within δ/2 of
     * its chosen sample (plus drift) — the on-wire guarantee of RFC 5905.
     */
    @Test
    void offsetWithinHalfTheDelayOfTheChosenSample() {
        Refusals refusals = new Refusals("ntp");
        Seeds.run("ntp", 1000, seed -> {
            boolean faults = seed % 2 == 0;
            int n = 3 + (int) (seed % 2);
            String mode = NtpMode.SYNC_MODES.get((int) ((seed / 2) % 3));
            SimCluster c = new SimCluster(seed, n, faults, TimeConfig.defaults());
            long start = c.sim.now();
            int samples = 1 + (int) (seed % 4);
            // only multicast needs a node (the reference, to broadcast); the other modes use whom they reach
            NodeId needed = NtpMode.MULTICAST.equals(mode) ? c.config.references().get(0) : null;
            SyncResult r = refusals.run(c, c.node(1 + (int) (seed % n)), new SyncCommand(Algorithm.NTP, mode, samples),
                    faults, needed);
            if (r == null) return;
            double rho = SimCluster.MAX_DRIFT_PPM / 1e6;
            int corrected = 0;
            for (SyncDone d : r.reports().values()) {
                if (!d.applied()) continue;
                corrected++;
                NodeId id = NodeId.of(d.node());
                long error = Math.abs(c.settled(id));
                long since = Bounds.drift(c, c.sim.now() - start);
                check(error <= d.errorBoundNanos() + since, id + " error " + error + " > root distance " + d.errorBoundNanos(), c, r);
                if ("time-1".equals(d.detail().get("server")) && d.detail().containsKey("delayNanos")) {
                    long delay = ((Number) d.detail().get("delayNanos")).longValue();
                    long bound = delay / 2 + (long) Math.ceil(2 * rho * delay) + since + Bounds.drift(c, c.sim.now() - start);
                    check(error <= bound, id + " error " + error + " > δ/2 " + delay / 2, c, r);
                }
                int stratum = c.core(id).ntp().stratum();
                check(stratum == ((Number) d.detail().get("stratum")).intValue() && stratum >= 2, "stratum recomputed", c, r);
            }
            if (!faults) {
                check(corrected == n - 1, "every client corrected in mode " + mode, c, r);
                check(r.messages().count() == r.messages().expected(), "messages " + r.messages(), c, r);
                check(r.after().maxSkewNanos() <= r.skewBoundNanos() + Bounds.pairDrift(c, c.sim.now() - start),
                        "after skew beyond the computed bound", c, r);
            }
        });
        refusals.assertWithinFaultModel();
    }
}
