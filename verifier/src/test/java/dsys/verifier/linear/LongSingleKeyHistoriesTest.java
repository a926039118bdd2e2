package dsys.verifier.linear;

import dsys.verifier.Verdict;
import dsys.verifier.gen.Mutations;
import dsys.verifier.gen.RandomHistories;
import dsys.verifier.history.History;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The histories of the issue: 10,000 calls on one key by 10 clients, as {@code ./platform
 * bench --ops 10000 --keys 1} makes them, valid and with one certainly stale read, must be
 * decided (never unknown) within the default budgets. Timings belong to the benchmark.
 */
class LongSingleKeyHistoriesTest {

    @ParameterizedTest(name = "{0} seed {1} crash rate {2}")
    @CsvSource({"register, 1, 0", "register, 2, 0", "register, 3, 0.05", "cas-register, 1, 0", "cas-register, 2, 0.05"})
    void tenThousandCallsOnOneKeyAreDecided(String model, long seed, double crashRate) {
        History h = model.equals("register") ? RandomHistories.register(seed, 10_000, 1, 10, crashRate)
                : RandomHistories.casRegister(seed, 10_000, 1, 10, crashRate);
        assertThat(check(model, h)).isEqualTo(Verdict.VALID);
        History stale = Mutations.staleRead(h, new SplittableRandom(seed)).orElseThrow();
        assertThat(check(model, stale)).isEqualTo(Verdict.INVALID);
    }

    private static Verdict check(String model, History h) {
        LinearizabilityResult r = new LinearizabilityChecker(Models.byName(model)).check(h);
        assertThat(r.stats().values()).as("%s", r).allMatch(s -> s.exhausted() == null);
        return r.verdict();
    }
}
