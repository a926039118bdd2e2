package dsys.lock.sim;

import dsys.core.env.Rejection;
import dsys.core.event.Event;
import dsys.core.sim.SimRequest;
import dsys.lock.lease.Fencing;
import dsys.lock.node.LockConfig;
import dsys.lock.node.LockReplies.AlgorithmSet;
import dsys.lock.node.LockReplies.Granted;
import dsys.lock.node.LockRequests;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./platform down; ./platform up}: every node's process ends, durable storage survives, and the nodes come
 * back at different times. Whatever the (durable) algorithm, the cluster must grant again within a few seconds of
 * the last node being up — in particular the token ring, whose tokens all died with the processes (every node is
 * back from a crash in the restored epoch, so none may create or accept a token of it: only a new epoch, i.e. a
 * new generation, brings tokens back). Clients retry with waits shorter than {@code tokenLossMs}, as live clients
 * do ({@code waitMs} 1000 by default against {@code token-loss-ms} 3000; here 250 against 600).
 */
@ExtendWith(JudgedFromClients.class)
class WholeClusterRestartTest {

    private static final Duration S = Duration.ofSeconds(5);

    @ParameterizedTest
    @ValueSource(strings = {"centralized", "ricart-agrawala", "token-ring"})
    void theClusterGrantsAgainAfterAWholeClusterRestart(String algorithm) {
        // restarts closer together than suspectMs (nobody suspects anybody: no membership change) and far apart
        for (long spacingMs : new long[]{30, 70, 1_200}) {
            for (long seed = 1; seed <= 4; seed++) {
                run(algorithm, 900 + seed + spacingMs, spacingMs);
            }
        }
    }

    private static void run(String algorithm, long seed, long spacingMs) {
        String what = "seed " + seed + ", " + algorithm + ", restarts " + spacingMs + " ms apart";
        LockSim ls = new LockSim(seed, 3, LockConfig.sim().withAlgorithm("centralized"));
        ls.settle("centralized", S);
        if (!algorithm.equals("centralized")) {
            // switched at run time (the choice is durable)
            Object set = ls.await(ls.sim.request(ls.node(1), new LockRequests.SwitchAlgorithm(algorithm)), S);
            assertThat(set).isInstanceOf(AlgorithmSet.class);
            ls.settle(algorithm, S);
        }
        // some traffic, so that tokens exist and moved around; "y" stays held across the restart
        for (int i = 1; i <= 3; i++) {
            Granted g = ls.granted(ls.acquire(ls.node(i), "x", "c" + i, 500, 2_000), S);
            ls.await(ls.release(ls.node(i), g), S);
        }
        Granted before = ls.granted(ls.acquire(ls.node(2), "y", "held", 500, 2_000), S);
        long epochBefore = ls.core(ls.node(1)).view().epoch();
        ls.sim.runFor(Duration.ofMillis(100));

        // the whole cluster goes down; storage survives; the nodes come back one after the other
        for (int i = 1; i <= 3; i++) ls.sim.crash(ls.node(i));
        ls.sim.runFor(Duration.ofMillis(1_000));
        ls.sim.restart(ls.node(2));
        ls.sim.runFor(Duration.ofMillis(spacingMs));
        ls.sim.restart(ls.node(3));
        ls.sim.runFor(Duration.ofMillis(spacingMs));
        ls.sim.restart(ls.node(1));
        long up = ls.sim.now();
        int eventsAtRestart = ls.sim.events().size();

        Granted g = null;
        Object last = null;
        for (int attempt = 0; attempt < 40 && g == null; attempt++) {
            SimRequest r = ls.acquire(ls.node(1 + attempt % 3), "x", "me", 500, 250);
            last = ls.await(r, S);
            if (last instanceof Granted x) g = x;
            else assertThat(last).isInstanceOf(Rejection.class);
            if (Duration.ofNanos(ls.sim.now() - up).compareTo(Duration.ofSeconds(3)) > 0) break;
        }
        assertThat(g).as("%s: granted within 3 s of the last restart; last answer %s\n%s%s", what, last,
                ColdStartTest.views(ls), ls.sim.events().subList(eventsAtRestart, ls.sim.events().size()).stream()
                        .map(Event::kind).filter(k -> k.startsWith("lock.epoch") || k.startsWith("lock.token"))
                        .toList()).isNotNull();
        assertThat(g.algorithm()).as(what).isEqualTo(algorithm);
        if (algorithm.equals("token-ring")) {
            // no token of the restored epoch counts: the lock's token is of a newer generation
            assertThat(Fencing.epoch(g.fencingToken())).as(what).isGreaterThan(epochBefore);
            // and it came from the restart itself, not from the clients' lost-token detection
            assertThat(ls.sim.events().subList(eventsAtRestart, ls.sim.events().size()).stream().map(Event::kind))
                    .as(what).doesNotContain("lock.token-lost");
        }
        assertThat(g.fencingToken()).as(what).isGreaterThan(before.fencingToken());
        // every node grants again, also locks nobody used before the restart
        for (int i = 1; i <= 3; i++) {
            ls.granted(ls.acquire(ls.node(i), "z" + i, "d" + i, 200, 4_000), S);
        }
        // and the lock held across the restart comes back after its restored lease (the recorder checks overlap)
        ls.granted(ls.acquire(ls.node(3), "y", "after", 200, 4_000), S);
    }
}
