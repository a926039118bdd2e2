package dsys.time.sim;

import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.time.core.SetClock;
import dsys.time.core.TimeConfig;
import dsys.time.ntp.NtpMode;
import dsys.time.sync.Algorithm;
import dsys.time.sync.SyncCommand;
import dsys.time.sync.SyncResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dsys.time.sim.Bounds.check;

/**
 * Strata (notes §4.5): time-1 and time-2 are reference clocks (stratum 1), time-3 may use either, time-4 only
 * time-3. When time-3's stratum-1 server fails, time-3 re-parents to the other one; when a stratum-1 server loses
 * its reference, it falls back to stratum 2 and syncs from the other stratum-1 server.
 */
class NtpStrataSimulationTest {

    static final NodeId T1 = NodeId.of("time-1"), T2 = NodeId.of("time-2"), T3 = NodeId.of("time-3"), T4 = NodeId.of("time-4");

    static TimeConfig config() {
        return TimeConfig.defaults().withReferences(List.of(T1, T2), T1)
                .withNtpServers(Map.of(T3, List.of(T1, T2), T4, List.of(T3)));
    }

    static SyncCommand ntp() {
        return new SyncCommand(Algorithm.NTP, NtpMode.CLIENT_SERVER, 4);
    }

    @Test
    void clientsReparentWhenTheirStratumOneServerFails() {
        Seeds.run("ntp-strata", 200, seed -> {
            SimCluster c = new SimCluster(seed, 4, false, config());
            c.sync(T1, ntp());
            check(c.core(T3).ntp().stratum() == 2 && c.core(T4).ntp().stratum() == 3, "strata 1, 1, 2, 3", c, null);
            NodeId parent = c.core(T3).ntp().parent();
            NodeId other = parent.equals(T1) ? T2 : T1;
            // An admin sets time-3 wrong (through the core, so NTP's stored samples follow), giving the re-sync work.
            c.call(T3, new SetClock("time-3", 2_000 * SimCluster.MS, null, null));
            c.sim.crash(parent);
            SyncResult r = c.sync(other, ntp());
            check(other.equals(c.core(T3).ntp().parent()), "time-3 re-parented to " + other, c, r);
            check(c.core(T3).ntp().stratum() == 2 && c.core(T4).ntp().stratum() == 3, "strata recomputed", c, r);
            check(Math.abs(c.settled(T3)) <= r.reports().get("time-3").errorBoundNanos()
                    + Bounds.drift(c, r.durationNanos()), "time-3 synchronized through " + other, c, r);
            check(r.after().unreachable().contains(parent.value()), "the failed server is reported unreachable", c, r);
        });
    }

    @Test
    void aStratumOneServerThatLosesItsReferenceFallsBackToStratumTwo() {
        Seeds.run("ntp-fallback", 200, seed -> {
            SimCluster c = new SimCluster(seed, 4, false, config());
            c.sync(T2, ntp());
            Object changed = c.call(T2, new SetClock("time-1", 1_500 * SimCluster.MS, 80.0, false));
            check(changed instanceof dsys.time.core.NodeStatus s && !s.reference() && s.stratum() == NtpMode.UNSYNCHRONIZED,
                    "time-1 lost its reference: " + changed, c, changed);
            SyncResult r = c.sync(T2, ntp());
            check(c.core(T1).ntp().stratum() == 2 && T2.equals(c.core(T1).ntp().parent()), "time-1 now stratum 2 under time-2", c, r);
            check(Math.abs(c.settled(T1)) <= r.reports().get("time-1").errorBoundNanos()
                    + Bounds.drift(c, r.durationNanos()), "time-1 corrected from time-2", c, r);
            check(T2.equals(c.core(T3).ntp().parent()), "time-3 no longer follows time-1 (stratum 1 beats 2)", c, r);
        });
    }

    @Test
    void withoutAnyReferenceEveryoneEndsUnsynchronized() {
        Seeds.run("ntp-no-reference", 50, seed -> {
            SimCluster c = new SimCluster(seed, 3, false, TimeConfig.defaults());
            c.sync(NodeId.of("time-2"), ntp());
            c.sim.crash(T1);
            // Loops are refused (a server whose reference is us): without time-1 the strata climb to 16, no cycle.
            for (int i = 0; i < 3; i++) c.sync(NodeId.of("time-2"), ntp());
            check(c.core(NodeId.of("time-2")).ntp().stratum() == NtpMode.UNSYNCHRONIZED
                    && c.core(NodeId.of("time-3")).ntp().stratum() == NtpMode.UNSYNCHRONIZED, "both unsynchronized", c, null);
        });
    }
}
