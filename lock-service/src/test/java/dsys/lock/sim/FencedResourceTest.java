package dsys.lock.sim;

import dsys.core.env.Rejection;
import dsys.core.node.NodeId;
import dsys.core.sim.ClockBounds;
import dsys.core.sim.Seeds;
import dsys.lock.Algorithms;
import dsys.lock.lease.Fencing;
import dsys.lock.node.LockConfig;
import dsys.lock.node.LockReplies.FencedResult;
import dsys.lock.node.LockReplies.Granted;
import dsys.lock.node.LockRequests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fenced resource is a quorum register on every lock node and takes only tokens the service granted for that
 * name: it survives the loss of any one node, refuses stale and forged tokens, and under the randomized faults of
 * the other simulations never accepts a stale write (LockChecker) nor a forged one.
 */
@ExtendWith(JudgedFromClients.class)
class FencedResourceTest {

    private static final Duration S = Duration.ofSeconds(5);

    private static Object write(LockSim ls, NodeId at, String name, long token, String value) {
        return ls.await(ls.sim.request(at, new LockRequests.FencedWrite(name, token, value)), S);
    }

    private static FencedResult read(LockSim ls, NodeId at, String name) {
        return (FencedResult) ls.await(ls.sim.request(at, new LockRequests.FencedRead(name)), S);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void survivesTheLossOfAnyOneNode(int lost) {
        LockSim ls = new LockSim(60 + lost, 3, LockConfig.sim().withAlgorithm("ricart-agrawala"));
        ls.settle("ricart-agrawala", S);
        NodeId down = ls.node(lost), a = ls.node(lost % 3 + 1), b = ls.node((lost + 1) % 3 + 1);
        Granted first = ls.granted(ls.acquire(a, "doc", "first", 300, 1000), S);
        assertThat(write(ls, down, "doc", first.fencingToken(), "v1")).isInstanceOf(FencedResult.class);
        ls.await(ls.release(a, first), S);
        ls.sim.crash(down);
        assertThat(read(ls, b, "doc").value()).as("an acknowledged write outlives any one replica").isEqualTo("v1");
        ls.settle("ricart-agrawala", S);
        Granted second = ls.granted(ls.acquire(b, "doc", "second", 300, 2000), S);
        assertThat(write(ls, a, "doc", second.fencingToken(), "v2")).isInstanceOf(FencedResult.class);
        Rejection stale = (Rejection) write(ls, b, "doc", first.fencingToken(), "v1-late");
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.type()).isEqualTo("stale-token");
        Rejection forged = (Rejection) write(ls, a, "doc", Long.MAX_VALUE, "mine forever");
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.type()).isEqualTo("token-not-issued");
        assertThat(read(ls, a, "doc").value()).isEqualTo("v2");
        ls.sim.restart(down);
        ls.sim.runFor(Duration.ofMillis(300));
        assertThat(read(ls, down, "doc").value()).isEqualTo("v2");
    }

    @Test
    void acceptsOnlyTheTokensGrantedForThatName() {
        LockSim ls = new LockSim(64, 3, LockConfig.sim().withAlgorithm("centralized"));
        ls.settle("centralized", S);
        Granted x = ls.granted(ls.acquire(ls.node(1), "x", "alice", 500, 1000), S);
        long t = x.fencingToken();
        long never = Fencing.token(Fencing.epoch(t), Fencing.seq(t) + 1000, Fencing.node(t));
        long nobody = Fencing.token(Fencing.epoch(t), Fencing.seq(t), 40);
        for (long forged : new long[]{Long.MAX_VALUE, never, nobody, -1, 0}) {
            Rejection r = (Rejection) write(ls, ls.node(2), "x", forged, "evil");
            assertThat(r.status()).as("token %d", forged).isEqualTo(403);
            assertThat(r.detail()).contains("never granted");
        }
        Rejection otherName = (Rejection) write(ls, ls.node(3), "y", t, "evil");
        assertThat(otherName.status()).isEqualTo(403);
        assertThat(read(ls, ls.node(3), "x").value()).as("refused writes change nothing").isNull();
        assertThat(read(ls, ls.node(3), "y").value()).isNull();
        // the same holder writes twice: the later write wins on every replica
        write(ls, ls.node(2), "x", t, "a");
        write(ls, ls.node(3), "x", t, "b");
        assertThat(read(ls, ls.node(1), "x").value()).isEqualTo("b");
        // once its node granted the lock again, an older token is stale even before the new holder wrote
        ls.await(ls.release(ls.node(1), x), S);
        Granted y = ls.granted(ls.acquire(ls.node(1), "x", "bob", 500, 1000), S);
        assertThat(((Rejection) write(ls, ls.node(2), "x", t, "late")).type()).isEqualTo("stale-token");
        assertThat(write(ls, ls.node(2), "x", y.fencingToken(), "c")).isInstanceOf(FencedResult.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"centralized", "ricart-agrawala", "token-ring"})
    void neverTakesAStaleOrForgedWriteUnderFaults(String algorithm) {
        int[] totals = new int[2];
        Seeds.run("fenced writes, " + algorithm + ", under faults", 100, seed -> {
            SplittableRandom rnd = new SplittableRandom(seed * 17 + algorithm.hashCode());
            LockConfig config = LockConfig.sim().withAlgorithm(algorithm).withMaxLeaseMs(400);
            LockSim ls = new LockSim(seed, rnd.nextInt(4) == 0 ? 5 : 3, config,
                    new ClockBounds(Duration.ofSeconds(1), config.rho() * 1e6), Algorithms::create);
            Nemesis nemesis = new Nemesis(ls, rnd);
            nemesis.noisyNetwork();
            Duration run = Duration.ofMillis(3_000);
            Workload load = new Workload(ls, rnd, List.of("a", "b"), run, 400).withFencedWrites();
            load.start(2 + rnd.nextInt(4));
            nemesis.schedule(1 + rnd.nextInt(4), run);
            ls.sim.runFor(run);
            nemesis.healAll();
            ls.sim.runFor(Duration.ofMillis(1_500));
            ls.assertSafe();
            assertThat(load.forgedAccepted()).as("writes with forged tokens accepted (seed %d)", seed).isZero();
            totals[0] += load.fencedAccepted();
            totals[1] += ls.grants();
        });
        System.out.printf("fenced %s: %d writes accepted, %d grants%n", algorithm, totals[0], totals[1]);
        assertThat(totals[0]).as("fenced writes got through under faults").isGreaterThan(totals[1] / 2);
    }
}
