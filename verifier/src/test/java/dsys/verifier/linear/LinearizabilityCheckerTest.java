package dsys.verifier.linear;

import dsys.verifier.Verdict;
import dsys.verifier.gen.RandomHistories;
import dsys.verifier.history.History;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dsys.verifier.TestHistories.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LinearizabilityCheckerTest {

    private static LinearizabilityResult check(Model m, History h) {
        return new LinearizabilityChecker(m).check(h);
    }

    @Test
    void concurrentWriteMayBeSeenByOneReadAndNotByAnEarlierOne() {
        History h = parse("""
                p1 invoke write x 1
                p2 invoke read x -
                p2 ok read x -
                p3 invoke read x -
                p3 ok read x 1
                p1 ok write x 1
                """);
        assertThat(check(RegisterModel.register(), h).verdict()).isEqualTo(Verdict.VALID);
    }

    @Test
    void readingTheOldValueAfterSeeingTheNewOneIsInvalid() {
        History h = parse("""
                p1 invoke write x 1
                p2 invoke read x -
                p2 ok read x 1
                p3 invoke read x -
                p3 ok read x -
                p1 ok write x 1
                """);
        LinearizabilityResult r = check(RegisterModel.register(), h);
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        Counterexample c = r.counterexamples().get(0);
        assertThat(c.key()).isEqualTo("x");
        assertThat(c.state()).isEqualTo("1");
        assertThat(c.blocking().process()).isEqualTo("p3");
        assertThat(r.toString()).contains("p3 read x -> ok", "the state is 1");
    }

    @Test
    void keysAreCheckedIndependentlyAndOnlyTheBadKeyIsReported() {
        History h = parse("""
                p1 invoke write x 1
                p1 ok write x 1
                p1 invoke write y 2
                p1 ok write y 2
                p2 invoke read y -
                p2 ok read y 3
                p2 invoke read x -
                p2 ok read x 1
                """);
        LinearizabilityResult r = check(RegisterModel.register(), h);
        assertThat(r.keys()).containsEntry("x", Verdict.VALID).containsEntry("y", Verdict.INVALID);
        assertThat(r.counterexamples()).extracting(Counterexample::key).containsExactly("y");
    }

    @Test
    void crashedWriteMayTakeEffectLongAfterItsProcessDied() {
        History h = parse("""
                p1 invoke write x 1
                p1 info write x 1
                p2 invoke read x -
                p2 ok read x -
                p2 invoke read x -
                p2 ok read x 1
                """);
        assertThat(check(RegisterModel.register(), h).verdict()).isEqualTo(Verdict.VALID);
    }

    @Test
    void crashedWriteMayNeverTakeEffect() {
        History h = parse("""
                p1 invoke write x 1
                p1 info write x 1
                p2 invoke write x 2
                p2 ok write x 2
                p2 invoke read x -
                p2 ok read x 2
                """);
        assertThat(check(RegisterModel.register(), h).verdict()).isEqualTo(Verdict.VALID);
    }

    @Test
    void crashedWriteCannotTakeEffectBeforeItWasInvoked() {
        History h = parse("""
                p2 invoke read x -
                p2 ok read x 1
                p1 invoke write x 1
                p1 info write x 1
                """);
        assertThat(check(RegisterModel.register(), h).verdict()).isEqualTo(Verdict.INVALID);
    }

    @Test
    void pendingCallAtTheEndCountsAsUnknown() {
        History h = parse("""
                p1 invoke write x 1
                p2 invoke read x -
                p2 ok read x 1
                """);
        assertThat(check(RegisterModel.register(), h).verdict()).isEqualTo(Verdict.VALID);
    }

    @Test
    void failedWriteHadNoEffect() {
        History h = parse("""
                p1 invoke write x 1
                p1 fail write x 1
                p2 invoke read x -
                p2 ok read x 1
                """);
        assertThat(check(RegisterModel.register(), h).verdict()).isEqualTo(Verdict.INVALID);
    }

    @Test
    void casSucceedsOnlyOnTheExpectedValue() {
        String prefix = """
                p1 invoke write x 1
                p1 ok write x 1
                p2 invoke cas x [1,2]
                p2 ok cas x [1,2]
                """;
        assertThat(check(RegisterModel.casRegister(), parse(prefix, "p3 invoke read x -", "p3 ok read x 2")).verdict())
                .isEqualTo(Verdict.VALID);
        assertThat(check(RegisterModel.casRegister(), parse(prefix, "p3 invoke cas x [1,3]", "p3 ok cas x [1,3]")).verdict())
                .isEqualTo(Verdict.INVALID);
        assertThat(check(RegisterModel.casRegister(), parse(prefix, "p3 invoke cas x [1,3]", "p3 fail cas x [1,3]",
                "p3 invoke read x -", "p3 ok read x 2")).verdict()).isEqualTo(Verdict.VALID);
    }

    @Test
    void crashedCasMayHaveSwapped() {
        History h = parse("""
                p1 invoke write x 1
                p1 ok write x 1
                p2 invoke cas x [1,2]
                p2 info cas x [1,2]
                p3 invoke read x -
                p3 ok read x 2
                """);
        assertThat(check(RegisterModel.casRegister(), h).verdict()).isEqualTo(Verdict.VALID);
    }

    @Test
    void mutexRejectsTwoHoldersAndAcceptsHandOver() {
        String handOver = """
                a invoke acquire l -
                a ok acquire l -
                b invoke acquire l -
                a invoke release l -
                a ok release l -
                b ok acquire l -
                """;
        assertThat(check(MutexModel.mutex(), parse(handOver)).verdict()).isEqualTo(Verdict.VALID);
        String twoHolders = """
                a invoke acquire l -
                a ok acquire l -
                b invoke acquire l -
                b ok acquire l -
                """;
        LinearizabilityResult r = check(MutexModel.mutex(), parse(twoHolders));
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.counterexamples().get(0).state()).isEqualTo("a");
    }

    @Test
    void mutexOwnerComesFromTheValueWhenGiven() {
        History h = parse("""
                p1 invoke acquire l "alice"
                p1 ok acquire l "alice"
                p2 invoke release l "alice"
                p2 ok release l "alice"
                """);
        assertThat(check(MutexModel.mutex(), h).verdict()).isEqualTo(Verdict.VALID);
    }

    @Test
    void crashedHolderKeepsTheLockOrNeverGotIt() {
        String crashed = """
                a invoke acquire l -
                a info acquire l -
                """;
        assertThat(check(MutexModel.mutex(), parse(crashed, "b invoke acquire l -", "b ok acquire l -")).verdict())
                .as("a's acquire may never have happened").isEqualTo(Verdict.VALID);
        assertThat(check(MutexModel.mutex(), parse(crashed, "b invoke release l \"a\"", "b ok release l \"a\"")).verdict())
                .as("or it happened, and a release on a's behalf finds a holding").isEqualTo(Verdict.VALID);
        assertThat(check(MutexModel.mutex(), parse("""
                a invoke acquire l -
                a ok acquire l -
                a invoke release l -
                a info release l -
                b invoke acquire l -
                b ok acquire l -
                c invoke acquire l -
                c ok acquire l -
                """)).verdict()).as("an unknown release frees the lock once at most").isEqualTo(Verdict.INVALID);
    }

    @Test
    void fencedGrantsNeedIncreasingTokens() {
        String ok = """
                a invoke acquire l -
                a ok acquire l {"owner":"a","token":1}
                a invoke release l -
                a ok release l -
                b invoke acquire l -
                b ok acquire l {"owner":"b","token":2}
                """;
        assertThat(check(MutexModel.fencedMutex(), parse(ok)).verdict()).isEqualTo(Verdict.VALID);
        String reused = ok.replace("\"token\":2", "\"token\":1");
        assertThat(check(MutexModel.fencedMutex(), parse(reused)).verdict()).isEqualTo(Verdict.INVALID);
    }

    @Test
    void concurrentFencedGrantsAreOrderedByToken() {
        History h = parse("""
                a invoke acquire l -
                b invoke acquire l -
                b ok acquire l {"owner":"b","token":7}
                b invoke release l {"owner":"b","token":7}
                b ok release l -
                a ok acquire l {"owner":"a","token":3}
                """);
        assertThat(check(MutexModel.fencedMutex(), h).verdict())
                .as("a was invoked first but its token says it was granted before b's: then b's grant overlaps a's hold")
                .isEqualTo(Verdict.INVALID);
    }

    @Test
    void crashedFencedGrantStillConsumesAToken() {
        History h = parse("""
                a invoke acquire l -
                a ok acquire l {"owner":"a","token":1}
                a invoke release l -
                a ok release l -
                b invoke acquire l -
                b info acquire l -
                c invoke release l "b"
                c ok release l "b"
                d invoke acquire l -
                d ok acquire l {"owner":"d","token":2}
                """);
        assertThat(check(MutexModel.fencedMutex(), h).verdict())
                .as("b's unknown grant was released, so it happened and took a token > 1").isEqualTo(Verdict.INVALID);
    }

    @Test
    void releaseRevealsTheTokenOfACrashedGrant() {
        String history = """
                a invoke acquire l -
                a ok acquire l {"owner":"a","token":1}
                a invoke release l -
                a ok release l -
                b invoke acquire l -
                b info acquire l -
                c invoke release l {"owner":"b","token":%d}
                c ok release l -
                d invoke acquire l -
                d ok acquire l {"owner":"d","token":%d}
                """;
        assertThat(check(MutexModel.fencedMutex(), parse(history.formatted(5, 6))).verdict()).isEqualTo(Verdict.VALID);
        assertThat(check(MutexModel.fencedMutex(), parse(history.formatted(5, 4))).verdict())
                .as("b's grant had token 5, so d's 4 is stale").isEqualTo(Verdict.INVALID);
        assertThat(check(MutexModel.fencedMutex(), parse(history.formatted(1, 6))).verdict())
                .as("b's grant came after token 1").isEqualTo(Verdict.INVALID);
    }

    @Test
    void exhaustedBudgetGivesUnknown() {
        History h = RandomHistories.register(7, 4000, 1, 30, 0.0);
        LinearizabilityResult r = new LinearizabilityChecker(RegisterModel.register(), Duration.ZERO, 1L << 30).check(h);
        assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(r.toString()).contains("key k0: unknown, time budget exhausted after", "configurations", "of 4,000 ops");
        LinearizabilityResult small = new LinearizabilityChecker(RegisterModel.register(), Duration.ofMinutes(1), 0).check(h);
        assertThat(small.verdict()).as("memory budget").isEqualTo(Verdict.UNKNOWN);
        assertThat(small.toString()).contains("memory budget exhausted");
    }

    @Test
    void callsThatDoNotFitTheModelAreRejectedWithTheField() {
        assertThatThrownBy(() -> check(RegisterModel.register(), parse("p1 invoke cas x [1,2]", "p1 ok cas x [1,2]")))
                .isInstanceOf(ModelException.class).hasMessageContaining("field \"f\"");
        assertThatThrownBy(() -> check(RegisterModel.casRegister(), parse("p1 invoke cas x 1", "p1 ok cas x 1")))
                .isInstanceOf(ModelException.class).hasMessageContaining("[expected, new]");
        assertThatThrownBy(() -> check(MutexModel.fencedMutex(), parse("p1 invoke acquire l -", "p1 ok acquire l \"p1\"")))
                .isInstanceOf(ModelException.class).hasMessageContaining("token")
                .satisfies(e -> assertThat(((ModelException) e).position()).isEqualTo(1));
    }
}
