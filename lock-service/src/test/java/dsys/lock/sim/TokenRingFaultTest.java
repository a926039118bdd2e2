package dsys.lock.sim;

import dsys.core.event.Event;
import dsys.core.sim.SimRequest;
import dsys.lock.lease.Fencing;
import dsys.lock.node.LockConfig;
import dsys.lock.node.LockReplies.Granted;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Notes §6.3's problems: a lost token (regenerated with a new generation) and a crashed process (skipped). */
@ExtendWith(JudgedFromClients.class)
class TokenRingFaultTest {

    private static final Duration S = Duration.ofSeconds(5);

    @Test
    void aTokenLostOnTheWireIsDetectedAndRegeneratedInANewGeneration() {
        LockSim ls = new LockSim(31, 3, LockConfig.sim().withAlgorithm("token-ring").withMembershipChanges(false));
        ls.settle("token-ring", S);
        Granted a = ls.granted(ls.acquire(ls.node(1), "x", "a", 300, 1_000), S);
        SimRequest b = ls.acquire(ls.node(3), "x", "b", 300, 4_000);
        ls.sim.network().link(ls.node(1), ls.node(2), 1.0, Duration.ZERO);  // lock-1 → lock-2 loses everything
        ls.await(ls.release(ls.node(1), a), S);                             // the token goes to lock-2: lost
        ls.sim.runFor(Duration.ofMillis(50));
        ls.sim.network().clearLinks();
        Granted g = ls.granted(b, S);
        assertThat(ls.sim.events().stream().map(Event::kind)).contains("lock.token-lost");
        assertThat(Fencing.epoch(g.fencingToken())).as("a new generation").isGreaterThan(Fencing.epoch(a.fencingToken()));
    }

    /** Live clients wait less than tokenLossMs (1000 against 3000) and retry: their demand adds up. */
    @Test
    void aLostTokenIsDetectedWhenClientsRetryWithWaitsShorterThanTokenLossMs() {
        LockSim ls = new LockSim(34, 3, LockConfig.sim().withAlgorithm("token-ring").withMembershipChanges(false));
        ls.settle("token-ring", S);
        Granted a = ls.granted(ls.acquire(ls.node(1), "x", "a", 300, 1_000), S);
        ls.sim.network().link(ls.node(1), ls.node(2), 1.0, Duration.ZERO);  // lock-1 → lock-2 loses everything
        ls.await(ls.release(ls.node(1), a), S);                             // the token goes to lock-2: lost
        ls.sim.runFor(Duration.ofMillis(50));
        ls.sim.network().clearLinks();
        long lost = ls.sim.now();
        Granted g = null;
        for (int attempt = 0; attempt < 30 && g == null; attempt++) {
            Object o = ls.await(ls.acquire(ls.node(3), "x", "b", 300, 250), S);  // 250 ms < tokenLossMs (600)
            if (o instanceof Granted x) g = x;
        }
        assertThat(g).as("granted after retries").isNotNull();
        assertThat(Duration.ofNanos(ls.sim.now() - lost)).isLessThan(Duration.ofSeconds(3));
        assertThat(ls.sim.events().stream().map(Event::kind)).contains("lock.token-lost");
        assertThat(Fencing.epoch(g.fencingToken())).as("a new generation").isGreaterThan(Fencing.epoch(a.fencingToken()));
    }

    @Test
    void aTokenThatDiesWithItsHolderIsRegeneratedAfterTheHoldersLease() {
        LockSim ls = new LockSim(33, 3, LockConfig.sim().withAlgorithm("token-ring"));
        ls.settle("token-ring", S);
        Granted a = ls.granted(ls.acquire(ls.node(2), "x", "a", 400, 1_000), S);
        ls.sim.crash(ls.node(2));  // the token is with lock-2 while its client holds "x"
        Granted g = ls.granted(ls.acquire(ls.node(1), "x", "b", 300, 4_000), S);
        assertThat(Fencing.epoch(g.fencingToken())).isGreaterThan(Fencing.epoch(a.fencingToken()));
        ls.sim.restart(ls.node(2));
        ls.settle("token-ring", S);
    }

    @Test
    void aCrashedSuccessorIsSkipped() {
        LockSim ls = new LockSim(32, 3, LockConfig.sim().withAlgorithm("token-ring").withMembershipChanges(false));
        ls.settle("token-ring", S);
        Granted a = ls.granted(ls.acquire(ls.node(1), "x", "a", 800, 1_000), S);
        SimRequest b = ls.acquire(ls.node(3), "x", "b", 300, 3_000);
        ls.sim.crash(ls.node(2));
        ls.sim.runFor(Duration.ofMillis(300));  // lock-1 now suspects lock-2
        ls.await(ls.release(ls.node(1), a), S);
        Granted g = ls.granted(b, S);
        assertThat(Fencing.epoch(g.fencingToken())).as("no regeneration").isEqualTo(Fencing.epoch(a.fencingToken()));
        assertThat(ls.sim.events().stream().filter(e -> e.kind().equals("lock.token-pass")).reduce((x, y) -> y)
                .map(e -> e.fields().get("to"))).contains("lock-3");
    }
}
