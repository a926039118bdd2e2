package dsys.lock.sim;

import dsys.core.env.Rejection;
import dsys.core.sim.SimRequest;
import dsys.lock.node.LockConfig;
import dsys.lock.node.LockReplies.Granted;
import dsys.lock.node.LockReplies.Released;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Each algorithm, failure-free: FIFO hand-over between nodes, fencing tokens, leases running out. */
@ExtendWith(JudgedFromClients.class)
class BasicMutexTest {

    private static final Duration S = Duration.ofSeconds(3);

    @ParameterizedTest
    @ValueSource(strings = {"centralized", "ricart-agrawala", "token-ring"})
    void handsTheLockOverInOrder(String algorithm) {
        LockSim ls = new LockSim(1, 3, LockConfig.sim().withAlgorithm(algorithm));
        ls.settle(algorithm, S);
        Granted a = ls.granted(ls.acquire(ls.node(1), "x", "alice", 500, 1000), S);
        SimRequest b = ls.acquire(ls.node(2), "x", "bob", 500, 2000);
        ls.sim.runFor(Duration.ofMillis(100));
        assertThat(b.finished()).as("bob waits while alice holds").isFalse();
        Object r = ls.await(ls.release(ls.node(3), a), S);  // routed to lock-1, which acts for alice
        assertThat(r).isInstanceOf(Released.class);
        Granted gb = ls.granted(b, S);
        assertThat(gb.fencingToken()).isGreaterThan(a.fencingToken());
        assertThat(gb.algorithm()).isEqualTo(algorithm);
        Object renewed = ls.await(ls.renew(ls.node(1), gb), S);  // routed to lock-2, which acts for bob
        assertThat(renewed).isInstanceOf(dsys.lock.node.LockReplies.Renewed.class);
        assertThat(ls.grants()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"centralized", "ricart-agrawala", "token-ring"})
    void anExpiredLeaseFreesTheLockAndItsTokenGoesStale(String algorithm) {
        LockSim ls = new LockSim(2, 3, LockConfig.sim().withAlgorithm(algorithm));
        ls.settle(algorithm, S);
        Granted a = ls.granted(ls.acquire(ls.node(2), "x", "alice", 200, 1000), S);
        Granted b = ls.granted(ls.acquire(ls.node(3), "x", "bob", 200, 2000), S);  // after alice's lease
        assertThat(b.fencingToken()).isGreaterThan(a.fencingToken());
        Rejection late = ls.rejected(ls.release(ls.node(1), a), S);
        assertThat(late.status()).isEqualTo(409);
        Rejection wrongOwner = ls.rejected(ls.sim.request(ls.node(1),
                new dsys.lock.node.LockRequests.Renew("x", "mallory", b.fencingToken())), S);
        assertThat(wrongOwner.status()).isEqualTo(409);
    }
}
