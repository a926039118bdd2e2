package dsys.verifier.commit;

import dsys.verifier.CheckResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dsys.verifier.commit.CommitEvent.begin;
import static dsys.verifier.commit.CommitEvent.decide;
import static dsys.verifier.commit.CommitEvent.vote;
import static org.assertj.core.api.Assertions.assertThat;

class CommitCheckerTest {
    private static final List<String> P = List.of("p1", "p2");

    private static CheckResult check(CommitEvent... events) {
        return CommitChecker.check(List.of(events));
    }

    @Test
    void unanimousYesThenCommitEverywhereIsAtomic() {
        assertThat(check(begin("t", "c", P), vote("t", "p1", true), vote("t", "p2", true),
                decide("t", "c", true), decide("t", "p1", true), decide("t", "p2", true)).isValid()).isTrue();
    }

    @Test
    void abortAfterANoVoteIsAtomic() {
        assertThat(check(begin("t", "c", P), vote("t", "p1", true), vote("t", "p2", false),
                decide("t", "c", false), decide("t", "p1", false)).isValid()).isTrue();
    }

    @Test
    void participantThatCrashedBeforeDecidingIsNotAViolation() {
        assertThat(check(begin("t", "c", P), vote("t", "p1", true), vote("t", "p2", true), decide("t", "c", true),
                decide("t", "p1", true)).isValid()).isTrue();
    }

    @Test
    void commitDespiteANoVote() {
        CheckResult r = check(begin("t", "c", P), vote("t", "p1", true), vote("t", "p2", false), decide("t", "c", true));
        assertThat(r.violations()).containsExactly("txn t: c decided commit though p2 voted no");
    }

    @Test
    void commitBeforeEveryVoteArrived() {
        CheckResult r = check(begin("t", "c", P), vote("t", "p1", true), decide("t", "c", true), vote("t", "p2", true));
        assertThat(r.violations()).containsExactly("txn t: c decided commit though p2 had not voted");
    }

    @Test
    void participantsThatDecideDifferently() {
        CheckResult r = check(begin("t", "c", P), vote("t", "p1", true), vote("t", "p2", true),
                decide("t", "p1", true), decide("t", "p2", false));
        assertThat(r.violations()).singleElement().asString().contains("disagree");
    }

    @Test
    void decisionThatChangesAfterRecovery() {
        CheckResult r = check(begin("t", "c", P), vote("t", "p1", false), decide("t", "c", false), decide("t", "p1", false),
                decide("t", "c", true));
        assertThat(r.violations()).anyMatch(v -> v.contains("c changed its decision from abort to commit"));
    }

    @Test
    void voteNoAfterCommit() {
        CheckResult r = check(vote("t", "p1", true), decide("t", "c", true), vote("t", "p1", false), vote("t", "p2", false));
        assertThat(r.violations()).anyMatch(v -> v.contains("p1 changed its vote")).anyMatch(v -> v.contains("p2 voted no after"));
    }

    @Test
    void transactionsAreIndependent() {
        List<CommitEvent> events = new ArrayList<>(List.of(begin("t1", "c", P), vote("t1", "p1", true), vote("t1", "p2", true),
                decide("t1", "c", true), begin("t2", "c", P), vote("t2", "p1", false), decide("t2", "c", false)));
        assertThat(CommitChecker.check(events).isValid()).isTrue();
    }
}
