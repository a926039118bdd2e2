package dsys.core.rpc;

import dsys.core.sim.Seeds;
import dsys.core.sim.SimRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dsys.core.rpc.RpcCluster.CLIENT;
import static dsys.core.rpc.RpcCluster.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lesson of at-least-once: a client that retries on a timeout, with no request id the server could recognise,
 * gets every transfer executed at least once, and some more than once. Replies are lost on the way back (30 %) and
 * the server crashes right after executing its first transfer (before the reply leaves); each call pays into its
 * own account, so its balance over its amount says how often it ran.
 */
class AtLeastOnceTest {

    @Test
    void retryingWithoutRequestIdsAppliesTransfersMoreThanOnce() {
        long[] total = new long[2];
        Seeds.run("at-least-once duplicates", 200, seed -> {
            RpcCluster c = new RpcCluster(seed, RpcCluster.config(CallSemantics.AT_LEAST_ONCE, OrphanRemedy.NONE));
            Random rnd = new Random(seed);
            c.sim.network().duplicate(0.05).link(SERVER, CLIENT, 0.3, Duration.ZERO);
            c.sim.armCrashPoint(SERVER, RpcServer.AFTER_EXECUTE);
            c.keepRestarting(SERVER, Duration.ofMillis(20), Duration.ofSeconds(2));
            List<SimRequest> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(c.call(Duration.ofMillis(rnd.nextInt(300)), CLIENT, SERVER, "acct-" + i, 1 + rnd.nextInt(9), 0));
            }
            assertThat(c.sim.runUntil(() -> c.allFinished(calls), Duration.ofSeconds(5))).as("every call ends").isTrue();

            long duplicates = 0;
            for (int i = 0; i < calls.size(); i++) {
                SimRequest r = calls.get(i);
                long amount = ((RpcRequests.Call) r.body()).amount();
                long applied = c.balance(SERVER, "acct-" + i) / amount;
                if (r.done() && !r.rejected()) assertThat(applied).as("acct-" + i + ": a returned call ran").isGreaterThanOrEqualTo(1);
                duplicates += Math.max(0, applied - 1);
                total[1] += applied;
            }
            // The crash after the first execution alone guarantees one: the retry runs the transfer again.
            assertThat(duplicates).as("transfers applied more than once").isPositive();
            total[0] += duplicates;
        });
        System.out.printf("at-least-once: %d duplicate applications among %d%n", total[0], total[1]);
    }
}
