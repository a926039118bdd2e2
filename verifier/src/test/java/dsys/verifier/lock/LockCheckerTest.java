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

    /** A timeline in ms of true time: at(t) moves the one clock all ops are stamped with. */
    private static final class Timeline {
        final long[] now = {0};
        final HistoryRecorder rec = new HistoryRecorder(() -> now[0], null);

        Timeline at(double ms) {
            now[0] = (long) (ms * 1_000_000);
            return this;
        }

        HistoryRecorder.Pending invoke(String process, String f, Object value) {
            return rec.invoke(process, f, "l", value);
        }
    }

    private static Map<String, Object> grant(String owner, long token) {
        return Map.of("owner", owner, "token", token, "leaseMs", 100);
    }

    @Test
    void aLeaseIsCertainForLOver1PlusRhoOfTrueTimeAfterTheAcquireWasInvoked() {
        Timeline t = new Timeline();
        t.invoke("a", "acquire", Map.of("owner", "a", "leaseMs", 100)).ok(grant("a", 1));   // at 0
        var b = t.at(50).invoke("b", "acquire", Map.of("owner", "b", "leaseMs", 100));
        t.at(99.95);
        b.ok(grant("b", 2));
        History h = t.rec.history();
        assertThat(new LockChecker(Long.MAX_VALUE, 0).check(h).violations()).as("a holds until 100 ms with exact clocks")
                .singleElement().asString().contains("a (granted at index 1, token 1)", "b (granted at index 3, token 2)");
        assertThat(new LockChecker(Long.MAX_VALUE, 1e-3).check(h).isValid())
                .as("a fast clock may end a's lease at 100/1.001 = 99.9 ms").isTrue();
    }

    @Test
    void anOkRenewalExtendsTheHoldFromItsInvocationOnlyForItsOwnGrant() {
        for (long renewedToken : new long[]{1, 7}) {
            Timeline t = new Timeline();
            t.invoke("a", "acquire", Map.of("owner", "a", "leaseMs", 100)).ok(grant("a", 1));
            t.at(80).invoke("a2", "renew", Map.of("owner", "a", "token", renewedToken)).ok();
            var b = t.at(90).invoke("b", "acquire", Map.of("owner", "b", "leaseMs", 100));
            t.at(150);
            b.ok(grant("b", 2));
            CheckResult r = new LockChecker(Long.MAX_VALUE, 1e-3).check(t.rec.history());
            if (renewedToken == 1) {
                assertThat(r.violations()).as("renewed at 80: a holds until ~180 ms").singleElement().asString()
                        .contains("both held it from index 5 until the end of the history");
            } else {
                assertThat(r.isValid()).as("a renewal of another grant (token 7) says nothing of token 1").isTrue();
            }
        }
    }

    @Test
    void anOkThatArrivesAfterItsLeaseMayHaveEndedCertifiesNothing() {
        for (double okAt : new double[]{160, 140}) {
            Timeline t = new Timeline();
            t.invoke("a", "acquire", Map.of("owner", "a", "leaseMs", 100)).ok(grant("a", 1));
            var renew = t.at(50).invoke("a2", "renew", Map.of("owner", "a", "token", 1));
            var b = t.at(110).invoke("b", "acquire", Map.of("owner", "b", "leaseMs", 100));
            t.at(120);
            b.ok(grant("b", 2));
            t.at(okAt);
            renew.ok();
            CheckResult r = new LockChecker(Long.MAX_VALUE, 1e-3).check(t.rec.history());
            if (okAt == 160) {
                assertThat(r.isValid()).as("renewed until 50 + 99.9 ms, heard of at 160: a no longer counts on it").isTrue();
            } else {
                assertThat(r.violations()).as("heard of at 140: a counts on it until 149.9").singleElement().asString()
                        .contains("both held it from index 5");
            }
        }
    }

    @Test
    void aReleaseOfAnotherGrantDoesNotEndTheHold() {
        Timeline t = new Timeline();
        t.invoke("a", "acquire", "a").ok(grant("a", 5));
        t.at(10).invoke("a2", "release", Map.of("owner", "a", "token", 4)).fail("stale-token");
        var b = t.at(20).invoke("b", "acquire", "b");
        b.ok(grant("b", 6));
        assertThat(new LockChecker().check(t.rec.history()).isValid()).isFalse();
    }

    @Test
    void aLockThatGrantsEveryoneAtOnceIsCaught() {
        CheckResult r = new LockChecker(Long.MAX_VALUE, 1e-3).check(parse("""
                a invoke acquire l {"owner":"a","leaseMs":1000}
                b invoke acquire l {"owner":"b","leaseMs":1000}
                a ok acquire l {"owner":"a","token":7,"leaseMs":1000}
                b ok acquire l {"owner":"b","token":7,"leaseMs":1000}
                """));
        assertThat(r.violations()).anyMatch(v -> v.contains("both held it")).anyMatch(v -> v.contains("token 7 granted twice"));
    }
}
