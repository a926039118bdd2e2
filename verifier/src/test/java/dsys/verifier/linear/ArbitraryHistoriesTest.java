package dsys.verifier.linear;

import dsys.verifier.Seeds;
import dsys.verifier.Verdict;
import dsys.verifier.history.History;
import dsys.verifier.history.HistoryRecorder;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Histories no real object produced: random calls, results and outcomes over three values,
 * so values repeat, reads see anything, cas ops succeed or fail at random, and clients crash
 * (info) or never hear back. Most are not linearizable; the search must agree with the
 * brute-force oracle on every one, whatever its prunings assume. Replay with -Ddsys.seed=N.
 */
class ArbitraryHistoriesTest {

    @Test
    void theSearchAgreesWithTheOracleOnArbitraryRegisterAndCasHistories() {
        AtomicInteger valid = new AtomicInteger();
        AtomicInteger withUnknown = new AtomicInteger();
        AtomicInteger cases = new AtomicInteger();
        Seeds.forEach(4000, seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            String model = seed % 2 == 0 ? "register" : "cas-register";
            History h = arbitrary(rnd, model.equals("cas-register"));
            boolean oracle = BruteForceOracle.check(model, h);
            cases.incrementAndGet();
            LinearizabilityResult r = new LinearizabilityChecker(Models.byName(model)).check(h);
            assertThat(r.verdict()).as("%s on%n%s%n%s", model, h.ops(), r).isEqualTo(oracle ? Verdict.VALID : Verdict.INVALID);
            if (oracle) valid.incrementAndGet();
            if (h.calls().stream().anyMatch(c -> c.isUnknown())) withUnknown.incrementAndGet();
        });
        if (!Seeds.fullRun()) return;
        assertThat(valid.get()).as("linearizable cases").isBetween(cases.get() / 10, cases.get() * 9 / 10);
        assertThat(withUnknown.get()).as("cases with unknown outcomes").isGreaterThan(cases.get() / 4);
    }

    /** 3–9 calls by 2–4 clients on one or two keys; values 1..3 (and null for cas and reads). */
    private static History arbitrary(SplittableRandom rnd, boolean cas) {
        HistoryRecorder rec = new HistoryRecorder();
        int processes = 2 + rnd.nextInt(3);
        int calls = 3 + rnd.nextInt(7);
        int keys = 1 + rnd.nextInt(2);
        HistoryRecorder.Pending[] pending = new HistoryRecorder.Pending[processes];
        String[] f = new String[processes];
        int[] incarnation = new int[processes];
        int invoked = 0;
        while (invoked < calls || rnd.nextInt(4) != 0) {
            int p = rnd.nextInt(processes);
            if (pending[p] == null) {
                if (invoked == calls) continue;
                f[p] = switch (rnd.nextInt(cas ? 3 : 2)) {
                    case 0 -> "read";
                    case 1 -> "write";
                    default -> "cas";
                };
                Object value = switch (f[p]) {
                    case "read" -> null;
                    case "write" -> value(rnd, false);
                    default -> Arrays.asList(value(rnd, true), value(rnd, false));
                };
                pending[p] = rec.invoke("p" + p + "." + incarnation[p], f[p], "k" + rnd.nextInt(keys), value);
                invoked++;
                continue;
            }
            int outcome = rnd.nextInt(10);
            if (outcome == 0) {
                pending[p].info("crashed");
                incarnation[p]++;
            } else if (outcome == 1 || outcome < 4 && f[p].equals("cas")) {
                pending[p].fail("rejected");
            } else {
                if (f[p].equals("read")) pending[p].ok(value(rnd, true));
                else pending[p].ok();
            }
            pending[p] = null;
        }
        return rec.history();   // calls still pending never returned: unknown outcome
    }

    private static Long value(SplittableRandom rnd, boolean orNull) {
        int v = rnd.nextInt(orNull ? 4 : 3);
        return v == 3 ? null : (long) v + 1;
    }
}
