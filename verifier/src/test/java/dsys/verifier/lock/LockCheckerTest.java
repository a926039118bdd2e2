package dsys.verifier.lock;

import dsys.verifier.CheckResult;
import dsys.verifier.history.History;
import dsys.verifier.history.HistoryRecorder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dsys.verifier.TestHistories.parse;
import static org.assertj.core.api.Assertions.assertThat;

class LockCheckerTest {

    private static final String HAND_OVER = """
            a invoke acquire l -
            a ok acquire l {"owner":"a","token":1}
            a invoke use l 1
            a ok use l 1
            a invoke release l -
            a ok release l -
            b invoke acquire l -
            b ok acquire l {"owner":"b","token":2}
            b invoke use l {"token":2}
            b ok use l {"token":2}
            """;

    @Test
    void handOverWithIncreasingTokensIsSafe() {
        assertThat(new LockChecker().check(parse(HAND_OVER)).isValid()).isTrue();
    }

    @Test
    void twoOwnersHoldingAtOnceIsReported() {
        CheckResult r = new LockChecker().check(parse("""
                a invoke acquire l -
                a ok acquire l -
                b invoke acquire l -
                b ok acquire l -
                a invoke release l -
                a ok release l -
                """));
        assertThat(r.isValid()).isFalse();
        assertThat(r.violations().get(0)).contains("a (granted at index 1)", "b (granted at index 3)", "until index 4");
    }

    @Test
    void holdEndsWhenItsReleaseIsInvokedEvenIfTheReleaseCrashed() {
        assertThat(new LockChecker().check(parse("""
                a invoke acquire l -
                a ok acquire l -
                a invoke release l -
                a info release l -
                b invoke acquire l -
                b ok acquire l -
                """)).isValid()).isTrue();
    }

    @Test
    void crashedHolderHoldsUntilItsLeaseRunsOut() {
        String history = """
                a invoke acquire l -
                a ok acquire l -
                x invoke read k -
                x ok read k -
                b invoke acquire l -
                b ok acquire l -
                """;
        assertThat(new LockChecker().check(parse(history)).isValid()).as("no lease: a still holds").isFalse();
        assertThat(new LockChecker(10).check(parse(history)).isValid()).as("lease outlives b's grant").isFalse();
        assertThat(new LockChecker(3).check(parse(history)).isValid()).as("lease expired at time 3, b granted at 5").isTrue();
    }

    @Test
    void leaseFromTheGrantIsUsed() {
        long[] now = {0};
        HistoryRecorder rec = new HistoryRecorder(() -> now[0], null);
        HistoryRecorder.Pending a = rec.invoke("a", "acquire", "l", "a");
        a.ok(Map.of("owner", "a", "token", 1, "leaseMs", 100));
        now[0] = 50_000_000;
        HistoryRecorder.Pending b = rec.invoke("b", "acquire", "l", "b");
        now[0] = 150_000_000;
        b.ok(Map.of("owner", "b", "token", 2, "leaseMs", 100));
        assertThat(new LockChecker().check(rec.history()).isValid()).isTrue();
    }

    @Test
    void tokensMustGrowInGrantOrderAndNeverRepeat() {
        CheckResult smaller = new LockChecker().check(parse(HAND_OVER.replace("\"token\":2}", "\"token\":0}")));
        assertThat(smaller.violations()).anyMatch(v -> v.contains("smaller token"));
        CheckResult twice = new LockChecker().check(parse(HAND_OVER.replace("\"token\":2}", "\"token\":1}")));
        assertThat(twice.violations()).anyMatch(v -> v.contains("token 1 granted twice"));
    }

    @Test
    void resourceMustRejectStaleTokens() {
        String stale = """
                a invoke use l 5
                a ok use l 5
                b invoke use l 3
                b %s use l 3
                """;
        History accepted = parse(stale.formatted("ok"));
        assertThat(new LockChecker().check(accepted).violations()).singleElement().asString().contains("stale token 3");
        assertThat(new LockChecker().check(parse(stale.formatted("fail"))).isValid()).isTrue();
    }
}
