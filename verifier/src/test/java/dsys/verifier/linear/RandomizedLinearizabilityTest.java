package dsys.verifier.linear;

import dsys.verifier.Seeds;
import dsys.verifier.Verdict;
import dsys.verifier.gen.Mutations;
import dsys.verifier.gen.RandomHistories;
import dsys.verifier.history.Call;
import dsys.verifier.history.History;
import dsys.verifier.history.Op;
import dsys.verifier.history.OpType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Histories of a real sequential object under random concurrency and crashes must be valid;
 * with a certainly stale read injected they must be invalid; with an arbitrary read value
 * the checker must agree with the brute-force oracle. Replay a case with -Ddsys.seed=N.
 */
class RandomizedLinearizabilityTest {

    private static Verdict wgl(String model, History h) {
        return new LinearizabilityChecker(Models.byName(model)).check(h).verdict();
    }

    private static void agree(String model, History h, String what) {
        boolean oracle = BruteForceOracle.check(model, h);
        assertThat(wgl(model, h)).as("%s: checker vs brute force on%n%s", what, h.ops())
                .isEqualTo(oracle ? Verdict.VALID : Verdict.INVALID);
    }

    @Test
    void registerHistoriesAgreeWithTheOracle() {
        AtomicInteger invalidSeen = new AtomicInteger();
        AtomicInteger staleSeen = new AtomicInteger();
        AtomicInteger unknownSeen = new AtomicInteger();
        Seeds.forEach(1500, seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            History h = RandomHistories.register(seed, 6 + rnd.nextInt(10), 1 + rnd.nextInt(2), 2 + rnd.nextInt(3), 0.15);
            assertThat(BruteForceOracle.check("register", h)).as("oracle on a generated history").isTrue();
            agree("register", h, "generated");
            if (h.calls().stream().anyMatch(c -> c.isUnknown())) unknownSeen.incrementAndGet();
            Optional<History> stale = Mutations.staleRead(h, rnd);
            stale.ifPresent(s -> {
                staleSeen.incrementAndGet();
                assertThat(BruteForceOracle.check("register", s)).as("oracle on a stale read").isFalse();
                agree("register", s, "stale read");
            });
            Mutations.randomRead(h, rnd).ifPresent(r -> {
                if (!BruteForceOracle.check("register", r)) invalidSeen.incrementAndGet();
                agree("register", r, "random read");
            });
        });
        if (!Seeds.fullRun()) return;
        System.out.printf("register: %d stale-read cases, %d invalid random reads, %d histories with crashes%n",
                staleSeen.get(), invalidSeen.get(), unknownSeen.get());
        assertThat(staleSeen.get()).as("stale reads injected").isGreaterThan(500);
        assertThat(invalidSeen.get()).as("random reads produce invalid histories too").isGreaterThan(200);
        assertThat(unknownSeen.get()).as("histories with crashed processes").isGreaterThan(500);
    }

    @Test
    void casRegisterHistoriesAgreeWithTheOracle() {
        Seeds.forEach(800, seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            History h = RandomHistories.casRegister(seed, 6 + rnd.nextInt(8), 1 + rnd.nextInt(2), 2 + rnd.nextInt(3), 0.15);
            agree("cas-register", h, "generated");
            assertThat(wgl("cas-register", h)).isEqualTo(Verdict.VALID);
            Mutations.staleRead(h, rnd).ifPresent(s -> {
                assertThat(wgl("cas-register", s)).as("stale read").isEqualTo(Verdict.INVALID);
                agree("cas-register", s, "stale read");
            });
            Mutations.randomRead(h, rnd).ifPresent(r -> agree("cas-register", r, "random read"));
        });
    }

    @Test
    void mutexHistoriesAgreeWithTheOracle() {
        AtomicInteger invalidSeen = new AtomicInteger();
        Seeds.forEach(600, seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            for (String model : new String[]{"mutex", "fenced-mutex"}) {
                History h = RandomHistories.mutex(seed, 6 + rnd.nextInt(8), 1 + rnd.nextInt(2), 2 + rnd.nextInt(3), 0.15,
                        model.equals("fenced-mutex"));
                assertThat(wgl(model, h)).as("generated %s", model).isEqualTo(Verdict.VALID);
                agree(model, h, "generated");
                History bad = flipOneOutcome(h, rnd, model.equals("fenced-mutex"));
                agree(model, bad, "one outcome flipped");
                if (!BruteForceOracle.check(model, bad)) invalidSeen.incrementAndGet();
            }
        });
        if (Seeds.fullRun()) assertThat(invalidSeen.get()).as("flipped outcomes that break the lock").isGreaterThan(100);
    }

    @Test
    void largerGeneratedHistoriesAreValidAndStaleReadsInvalid() {
        Seeds.forEach(60, seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            History h = RandomHistories.register(seed, 300, 3, 6, 0.05);
            assertThat(wgl("register", h)).isEqualTo(Verdict.VALID);
            Mutations.staleRead(h, rnd).ifPresent(s -> assertThat(wgl("register", s)).isEqualTo(Verdict.INVALID));
        });
    }

    /** Turns one failed acquire or release into an ok one (or back), which may break mutual exclusion. */
    private static History flipOneOutcome(History h, SplittableRandom rnd, boolean fenced) {
        List<Op> ops = new ArrayList<>(h.ops());
        List<Call> decided = h.calls().stream().filter(c -> c.isOk() || c.isFail()).toList();
        Call c = decided.get(rnd.nextInt(decided.size()));
        OpType flipped = c.isOk() ? OpType.FAIL : OpType.OK;
        Object value = c.completion().value();
        if (fenced && flipped == OpType.OK && c.f().equals("acquire")) {
            value = Map.of("owner", c.invoke().value(), "token", (long) rnd.nextInt(1, 6));
        }
        Op o = c.completion();
        ops.set(c.completionPos(), new Op(o.index(), o.time(), o.process(), o.node(), flipped, o.f(), o.key(), value, null));
        return History.of(ops);
    }
}
