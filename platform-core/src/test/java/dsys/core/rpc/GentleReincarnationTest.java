package dsys.core.rpc;

import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.core.sim.SimRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.Random;

import static dsys.core.rpc.RpcCluster.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three clients each run a transfer of 600 ms (30 steps) on one server. client-1 and client-3 crash at 100 ms;
 * client-1 reboots at 150 ms and announces its new epoch, client-3 stays down. Gentle reincarnation tries to
 * locate the owner of every computation: client-2 still waits for its own, so it runs on and returns; client-1
 * (rebooted) no longer knows its call and client-3 does not answer, so theirs are killed. Plain reincarnation
 * kills only the computations of the client that announced a new epoch: client-3's orphan runs on. Judged from the
 * accounts on the server's disk and from what client-2 got back.
 */
class GentleReincarnationTest {

    private static final NodeId C1 = NodeId.of("client-1"), C2 = NodeId.of("client-2"), C3 = NodeId.of("client-3");

    @ParameterizedTest(name = "{0}: client-1's orphan applied {1}, client-3's applied {2}")
    @CsvSource({"GENTLE_REINCARNATION, 0, 0", "REINCARNATION, 0, 1", "NONE, 1, 1"})
    void aComputationWhoseOwnerIsFoundRunsOn_theOthersAreKilled(OrphanRemedy remedy, long c1Applied, long c3Applied) {
        Seeds.run(remedy + " with three clients", 200, seed -> {
            RpcCluster c = new RpcCluster(seed, RpcCluster.config(CallSemantics.AT_MOST_ONCE, remedy), List.of(C1, C2, C3), List.of(SERVER));
            Random rnd = new Random(seed);
            c.sim.network().duplicate(0.1);
            c.call(Duration.ofMillis(1 + rnd.nextInt(20)), C1, SERVER, "acct-1", 1, 30);
            SimRequest kept = c.call(Duration.ofMillis(1 + rnd.nextInt(20)), C2, SERVER, "acct-2", 1, 30);
            c.call(Duration.ofMillis(1 + rnd.nextInt(20)), C3, SERVER, "acct-3", 1, 30);
            c.sim.at(Duration.ofMillis(100), () -> {
                c.sim.crash(C1);
                c.sim.crash(C3);
            });
            c.sim.at(Duration.ofMillis(150), () -> c.sim.restart(C1));
            c.sim.runFor(Duration.ofSeconds(2));

            assertThat(kept.result()).as("client-2's call, whose owner was found, returned").isInstanceOf(RpcRequests.Returned.class);
            assertThat(c.balance(SERVER, "acct-2")).as("and was applied once").isEqualTo(1);
            assertThat(c.balance(SERVER, "acct-1")).as("client-1's orphan (it rebooted)").isEqualTo(c1Applied);
            assertThat(c.balance(SERVER, "acct-3")).as("client-3's orphan (it is down)").isEqualTo(c3Applied);
        });
    }
}
