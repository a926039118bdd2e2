package dsys.lock.sim;

import dsys.core.env.Rejection;
import dsys.lock.node.LockConfig;
import dsys.lock.node.LockReplies.Granted;
import dsys.lock.node.LockRequests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Refusals at the core: 400 for bad input, 409 for release/renew by a non-holder or with a stale token. */
@ExtendWith(JudgedFromClients.class)
class BadInputTest {

    private static final Duration S = Duration.ofSeconds(3);

    private Rejection ask(LockSim ls, Object body) {
        return ls.rejected(ls.sim.request(ls.node(1), body), S);
    }

    @Test
    void refusesBadLeasesNamesAndAlgorithms() {
        LockSim ls = new LockSim(51, 3, LockConfig.sim());
        ls.settle("centralized", S);
        long max = LockConfig.sim().maxLeaseMs();
        assertThat(ask(ls, new LockRequests.Acquire("x", "o", -5, 100)).status()).isEqualTo(400);
        assertThat(ask(ls, new LockRequests.Acquire("x", "o", 0, 100)).status()).isEqualTo(400);
        Rejection absurd = ask(ls, new LockRequests.Acquire("x", "o", max + 1, 100));
        assertThat(absurd.status()).isEqualTo(400);
        assertThat(absurd.detail()).contains("between 1 and " + max);
        assertThat(ask(ls, new LockRequests.Acquire("x", "o", 100, -1)).status()).isEqualTo(400);
        assertThat(ask(ls, new LockRequests.Acquire(" ", "o", 100, 1)).status()).isEqualTo(400);
        assertThat(ask(ls, new LockRequests.Acquire("x", "bad\nowner", 100, 1)).status()).isEqualTo(400);
        Rejection reserved = ask(ls, new LockRequests.Acquire("_stats", "o", 100, 1));
        assertThat(reserved.status()).isEqualTo(400);
        assertThat(reserved.detail()).contains("reserved");
        assertThat(ask(ls, new LockRequests.FencedWrite("_x", 1, "v")).status()).isEqualTo(400);
        Rejection alg = ask(ls, new LockRequests.SwitchAlgorithm("paxos"));
        assertThat(alg.status()).isEqualTo(400);
        assertThat(alg.detail()).contains("ricart-agrawala");
    }

    @Test
    void refusesNonHoldersAndStaleTokens() {
        LockSim ls = new LockSim(52, 3, LockConfig.sim());
        ls.settle("centralized", S);
        Granted g = ls.granted(ls.acquire(ls.node(1), "x", "alice", 500, 100), S);
        assertThat(ask(ls, new LockRequests.Release("x", "mallory", g.fencingToken())).status()).isEqualTo(409);
        assertThat(ask(ls, new LockRequests.Renew("x", "mallory", g.fencingToken())).status()).isEqualTo(409);
        Rejection stale = ask(ls, new LockRequests.Release("x", "alice", g.fencingToken() - 64));
        assertThat(stale.status()).isEqualTo(409);
        assertThat(ask(ls, new LockRequests.Release("x", "alice", 12345)).type()).isEqualTo("stale-token");
        assertThat(ask(ls, new LockRequests.Acquire("x", "alice", 100, 0)).type()).isEqualTo("already-held");
        ls.await(ls.release(ls.node(2), g), S);
        assertThat(ask(ls, new LockRequests.Release("x", "alice", g.fencingToken())).type()).isEqualTo("not-holder");
    }
}
