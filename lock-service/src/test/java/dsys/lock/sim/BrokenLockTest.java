package dsys.lock.sim;

import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.core.sim.ClockBounds;
import dsys.core.sim.SimRequest;
import dsys.lock.Algorithms;
import dsys.lock.lease.Fencing;
import dsys.lock.lease.Hold;
import dsys.lock.lease.HoldInfo;
import dsys.lock.node.EpochScopedMutex;
import dsys.lock.node.LockConfig;
import dsys.lock.node.LockContext;
import dsys.lock.node.LockReplies.Granted;
import dsys.lock.node.Waiter;
import dsys.lock.quorum.EpochInfo;
import dsys.verifier.CheckResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The client-side judgement can fail: it catches a lock that grants everyone, and leases that ignore drift. */
class BrokenLockTest {

    private static final Duration S = Duration.ofSeconds(3);

    /** Grants every waiter at once at its own node, with that node's own counter: no mutual exclusion at all. */
    static final class GrantAtOnce extends EpochScopedMutex {
        private long counter;

        GrantAtOnce(LockContext ctx) {
            super(ctx);
        }

        @Override
        public String name() {
            return "grant-at-once";
        }

        @Override
        public void start(EpochInfo e, List<HoldInfo> carried) {
            epoch = e;
        }

        @Override
        public void onWaiter(Waiter w) {
            if (!stopped) ctx.grant(w, Fencing.token(epoch.number(), ++counter, self.index()), now(), 0, Map.of());
        }

        @Override
        public void onWaiterGone(Waiter w) {
        }

        @Override
        public Map<String, Integer> onHoldEnded(Hold h) {
            return Map.of();
        }

        @Override
        public void renew(RequestId request, Hold h) {
            ctx.renewed(request, h, now() + h.leaseMs() * 1_000_000L);
        }

        @Override
        public boolean handles(Message m) {
            return false;
        }

        @Override
        public void onMessage(NodeId from, Message m) {
        }

        @Override
        public void tick() {
        }
    }

    @Test
    void aLockThatGrantsEveryoneAtOnceIsCaught() {
        LockConfig config = LockConfig.sim().withAlgorithm("ricart-agrawala").withMaxLeaseMs(400);
        LockSim ls = new LockSim(1, 3, config, ClockBounds.REALISTIC, (name, ctx) -> new GrantAtOnce(ctx));
        new Workload(ls, new SplittableRandom(1), List.of("a"), Duration.ofSeconds(1), 400).start(4);
        ls.sim.runFor(Duration.ofSeconds(2));
        CheckResult r = ls.verdict();
        assertThat(r.isValid()).isFalse();
        assertThat(r.violations()).first().asString().startsWith("lock a: c").contains("both held it");
    }

    /**
     * Clients A and B at the centralized coordinator (lock-3); A holds past its lease, B waits. lock-3's clocks run
     * 1000 ppm fast, so A's lease of 400 ms ends after 399.6 ms of true time and B gets the lock then. A service
     * that assumes perfect clocks (ρ = 0) promised A 400 ms: caught. One that assumes ρ = 10⁻³ promised A only
     * 400/1.001 ms: safe. With perfect clocks, as the simulator used to run them, the first passes too.
     */
    @Test
    void leasesThatAssumePerfectClocksAreCaughtOnceClocksDrift() {
        assertThat(handOverOnExpiry(0, 1000).violations()).singleElement().asString()
                .contains("A (granted at").contains("B (granted at").contains("both held it");
        assertThat(handOverOnExpiry(1e-3, 1000).isValid()).isTrue();
        assertThat(handOverOnExpiry(0, 0).isValid()).isTrue();
    }

    private static CheckResult handOverOnExpiry(double rho, double coordinatorDriftPpm) {
        LockConfig config = LockConfig.sim().withAlgorithm("centralized").withRho(rho);
        LockSim ls = new LockSim(5, 3, config, ClockBounds.PERFECT, Algorithms::create);
        NodeId coordinator = ls.node(3);  // bully: the highest id
        ls.sim.node(coordinator).monotonic().setDriftPpm(coordinatorDriftPpm);
        // instant messages: the grants' record round trips (before each answer) must not hide a 0.4 ms overlap
        ls.sim.network().delay(Duration.ZERO, Duration.ZERO);
        ls.settle("centralized", S);
        SimRequest a = ls.acquire(coordinator, "x", "A", 400, 1000);
        SimRequest b = ls.acquire(coordinator, "x", "B", 400, 1000);
        ls.granted(a, S);
        assertThat(a.completedAt()).as("granted at once, at the coordinator").isEqualTo(a.invokedAt());
        ls.granted(b, S);
        return ls.verdict();
    }
}
