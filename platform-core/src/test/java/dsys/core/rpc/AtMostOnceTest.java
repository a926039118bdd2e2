package dsys.core.rpc;

import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.core.sim.SimRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dsys.core.rpc.RpcCluster.CLIENT;
import static dsys.core.rpc.RpcCluster.SERVER;
import static dsys.core.rpc.RpcCluster.SERVER2;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * At-most-once with the server's durable table of executed ids: under loss, duplication, reordering and server
 * crashes (at each crash point, and at random times, while long computations run), every call that returned was
 * applied exactly once and returned the balance of that one execution; every other call was applied at most once.
 * Judged from the accounts on the servers' disks (each call pays into its own account).
 */
class AtMostOnceTest {

    private static final String[] POINTS = {RpcServer.BEFORE_EXECUTE, RpcServer.AFTER_EXECUTE};

    @Test
    void everyCallIsAppliedAtMostOnceAndExactlyOnceWhenItReturned() {
        long[] totals = new long[3]; // calls, returned, returned after a retry
        Seeds.run("at-most-once under faults", 200, seed -> {
            List<NodeId> servers = List.of(SERVER, SERVER2);
            RpcCluster c = new RpcCluster(seed, RpcCluster.config(CallSemantics.AT_MOST_ONCE, OrphanRemedy.NONE), List.of(CLIENT), servers);
            Random rnd = new Random(seed);
            c.sim.network().loss(0.15).duplicate(0.15).reorder(0.1, Duration.ofMillis(20));
            c.sim.armCrashPoint(servers.get(rnd.nextInt(2)), POINTS[(int) (seed % 2)]);
            NodeId victim = servers.get(rnd.nextInt(2));
            c.sim.at(Duration.ofMillis(rnd.nextInt(400)), () -> c.sim.crash(victim));
            for (NodeId s : servers) c.keepRestarting(s, Duration.ofMillis(30 + rnd.nextInt(60)), Duration.ofSeconds(2));
            List<SimRequest> calls = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                calls.add(c.call(Duration.ofMillis(rnd.nextInt(400)), CLIENT, servers.get(rnd.nextInt(2)), "acct-" + i,
                        1 + rnd.nextInt(9), rnd.nextInt(5)));
            }
            assertThat(c.sim.runUntil(() -> c.allFinished(calls), Duration.ofSeconds(10))).as("every call ends").isTrue();

            for (int i = 0; i < calls.size(); i++) {
                SimRequest r = calls.get(i);
                RpcRequests.Call body = (RpcRequests.Call) r.body();
                String account = "acct-" + i;
                long balance = c.balance(NodeId.of(body.server()), account);
                assertThat(balance % body.amount()).isZero();
                long applied = balance / body.amount();
                totals[0]++;
                if (r.done() && r.result() instanceof RpcRequests.Returned ret) {
                    assertThat(applied).as(account + " returned " + ret + ": applied exactly once").isEqualTo(1);
                    assertThat(ret.balance()).as(account + ": the reply is the first execution's").isEqualTo(body.amount());
                    totals[1]++;
                    if (ret.transmissions() > 1) totals[2]++;
                } else {
                    assertThat(applied).as(account + " failed (" + r + "): applied at most once").isLessThanOrEqualTo(1);
                }
            }
            assertThat(c.effects.stream().filter(e -> e.delta() <= 0)).as("no other change to the accounts").isEmpty();
        });
        System.out.printf("at-most-once: %d calls, %d returned (%d after retries), 0 duplicates%n", totals[0], totals[1], totals[2]);
        if (totals[0] >= 100) { // not when replaying one seed
            assertThat(totals[1]).as("most calls return despite the faults").isGreaterThan(totals[0] * 8 / 10);
            assertThat(totals[2]).as("retries happened").isPositive();
        }
    }

    /**
     * The table of executed ids keeps only calls that have not ended, and forgetting an id never lets a late copy of
     * its request run again: twelve calls 40 ms apart, each request copied half the time and the copies held up to
     * 150 ms, so many arrive after their call returned and later calls moved the client's floor past it; then one
     * more call, once all have ended, whose floor lets the server forget every earlier id.
     */
    @Test
    void theTableForgetsEndedCallsAndTheirLateCopiesNeverRunAgain() {
        Seeds.run("at-most-once's table kept small", 100, seed -> {
            RpcCluster c = new RpcCluster(seed, RpcCluster.config(CallSemantics.AT_MOST_ONCE, OrphanRemedy.NONE));
            c.sim.network().duplicate(0.5).reorder(0.5, Duration.ofMillis(150));
            List<SimRequest> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) calls.add(c.call(Duration.ofMillis(1 + 40L * i), CLIENT, SERVER, "acct-" + i, 1, 0));
            assertThat(c.sim.runUntil(() -> c.allFinished(calls), Duration.ofSeconds(5))).as("every call ends").isTrue();
            c.sim.runFor(Duration.ofMillis(300));
            calls.add(c.call(Duration.ofNanos(c.sim.now() + 1), CLIENT, SERVER, "acct-12", 1, 0));
            assertThat(c.sim.runUntil(() -> c.allFinished(calls), Duration.ofSeconds(5))).as("the last call ends").isTrue();
            c.sim.runFor(Duration.ofMillis(300)); // every late copy has arrived
            for (int i = 0; i < calls.size(); i++) {
                assertThat(c.balance(SERVER, "acct-" + i)).as("acct-" + i + " (" + calls.get(i) + ")").isEqualTo(1);
            }
            assertThat(c.sim.storage(SERVER).scan(RpcServer.DONE).keySet()).as("ids left in the table after 13 calls")
                    .hasSizeLessThanOrEqualTo(1);
        });
    }
}
