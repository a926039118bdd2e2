package dsys.kv.sim;

import dsys.core.env.Rejection;
import dsys.core.node.NodeId;
import dsys.core.sim.SimRequest;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.KvRequests;
import dsys.kv.quorum.QuorumSettings;
import dsys.kv.quorum.ReadLevel;
import dsys.kv.quorum.Versioned;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Atomic commit's locks in the key's register (strict two-phase locking): a transaction's lock and intent are
 * chosen like any write, so every coordinator sees them; plain writes and linearizable reads wait (409) while
 * a write lock is held; commit applies the intent as one new version, abort leaves the value and its version.
 */
class TransactionLocksTest {

    private final KvSim kv = KvSim.majority(3, 3);
    private final NodeId a = kv.node(1), b = kv.node(2), c = kv.node(3);

    private Object call(NodeId at, Object request) {
        return kv.await(kv.sim.request(at, request), Duration.ofSeconds(2));
    }

    private static void rejected(Object answer, int status, String type) {
        assertThat(answer).isInstanceOfSatisfying(Rejection.class, r -> {
            assertThat(r.status()).as(r.detail()).isEqualTo(status);
            assertThat(r.type()).isEqualTo(type);
        });
    }

    @Test
    void aWriteLockKeepsOthersOutUntilCommitAppliesTheIntent() {
        Ballot v1 = kv.written(kv.put(a, "x", "1")).version();
        Object locked = call(a, new KvRequests.Lock("x", "t1", 'p', "2", v1));
        assertThat(locked).isInstanceOfSatisfying(KvReplies.Written.class, w -> assertThat(w.version()).as("a lock is no new version").isEqualTo(v1));

        rejected(kv.await(kv.put(b, "x", "3"), Duration.ofSeconds(2)), 409, "key-locked");
        rejected(kv.await(kv.get(c, "x", ReadLevel.LINEARIZABLE), Duration.ofSeconds(2)), 409, "key-locked");
        rejected(call(c, new KvRequests.Lock("x", "t2", 'g', null, null)), 409, "key-locked");
        assertThat(kv.value(kv.get(c, "x", ReadLevel.ONE)).value()).as("a weak read sees the committed value").isEqualTo("1");
        assertThat(call(b, new KvRequests.Lock("x", "t1", 'p', "2", v1))).as("the same transaction again: granted")
                .isInstanceOf(KvReplies.Written.class);

        KvReplies.Written committed = (KvReplies.Written) call(b, new KvRequests.Release("x", "t1", true));
        assertThat(committed.version()).isGreaterThan(v1);
        KvReplies.Value now = kv.value(kv.get(c, "x", ReadLevel.LINEARIZABLE));
        assertThat(now.value()).isEqualTo("2");
        assertThat(now.version()).isEqualTo(committed.version());
        assertThat(call(a, new KvRequests.Release("x", "t1", true))).as("a repeated commit changes nothing")
                .isInstanceOfSatisfying(KvReplies.Written.class, w -> assertThat(w.version()).isEqualTo(committed.version()));
        assertThat(kv.written(kv.put(b, "x", "4")).version()).isGreaterThan(committed.version());
    }

    @Test
    void abortDropsTheIntentAndKeepsTheVersion_aDeleteIntentCommitsATombstone() {
        Ballot v1 = kv.written(kv.put(a, "x", "1")).version();
        call(a, new KvRequests.Lock("x", "t1", 'd', null, null));
        call(c, new KvRequests.Release("x", "t1", false));
        KvReplies.Value after = kv.value(kv.get(b, "x", ReadLevel.LINEARIZABLE));
        assertThat(after.value()).isEqualTo("1");
        assertThat(after.version()).isEqualTo(v1);

        call(b, new KvRequests.Lock("x", "t2", 'd', null, v1));
        KvReplies.Written deleted = (KvReplies.Written) call(b, new KvRequests.Release("x", "t2", true));
        assertThat(deleted.deleted()).isTrue();
        assertThat(kv.value(kv.get(a, "x", ReadLevel.LINEARIZABLE)).found()).isFalse();
    }

    @Test
    void aReadLockLetsReadsThroughButNotWrites_andIfMatchIsChecked() {
        Ballot v1 = kv.written(kv.put(a, "x", "1")).version();
        rejected(call(b, new KvRequests.Lock("x", "t1", 'p', "2", Ballot.ZERO)), 412, "precondition-failed");
        call(b, new KvRequests.Lock("x", "t1", 'g', null, v1));
        assertThat(kv.value(kv.get(c, "x", ReadLevel.LINEARIZABLE)).value()).isEqualTo("1");
        rejected(kv.await(kv.delete(c, "x"), Duration.ofSeconds(2)), 409, "key-locked");
        call(a, new KvRequests.Release("x", "t1", true)); // commit of a read: nothing to write
        assertThat(kv.value(kv.get(c, "x", ReadLevel.LINEARIZABLE)).version()).isEqualTo(v1);
        assertThat(kv.written(kv.put(c, "x", "5")).version()).isGreaterThan(v1);
    }

    /** Read locks are shared: snapshots do not exclude each other; a writer waits for the last reader (or upgrades its own). */
    @Test
    void readLocksAreShared_aWriterWaitsForTheLastReader_aSoleReaderMayUpgrade() {
        Ballot v1 = kv.written(kv.put(a, "x", "1")).version();
        assertThat(call(a, new KvRequests.Lock("x", "t1", 'g', null, null))).isInstanceOf(KvReplies.Value.class);
        assertThat(call(b, new KvRequests.Lock("x", "t2", 'g', null, null))).as("a second reader shares it").isInstanceOf(KvReplies.Value.class);
        assertThat(kv.store(b).replicaState("x").content().lock().holders()).containsExactly("t1", "t2"); // b accepted its own
        Object blocked = call(c, new KvRequests.Lock("x", "t3", 'p', "3", null));
        rejected(blocked, 409, "key-locked");
        assertThat(((Rejection) blocked).detail()).contains("t1", "1 more reading");
        rejected(call(a, new KvRequests.Lock("x", "t1", 'p', "2", null)), 409, "key-locked"); // t2 reads it too: no upgrade
        call(b, new KvRequests.Release("x", "t1", true));
        rejected(call(c, new KvRequests.Lock("x", "t3", 'p', "3", null)), 409, "key-locked"); // t2 still reads
        assertThat(call(c, new KvRequests.Lock("x", "t2", 'p', "2", v1))).as("the sole reader upgrades").isInstanceOf(KvReplies.Written.class);
        assertThat(call(a, new KvRequests.Lock("x", "t2", 'g', null, null))).as("reading what it writes keeps its write lock")
                .isInstanceOf(KvReplies.Value.class);
        assertThat(kv.store(a).replicaState("x").content().lock()).isEqualTo(new Versioned.Lock("t2", 'p', "2"));
        call(a, new KvRequests.Release("x", "t2", true));
        assertThat(kv.value(kv.get(c, "x", ReadLevel.LINEARIZABLE)).value()).isEqualTo("2");
        assertThat(call(c, new KvRequests.Lock("x", "t3", 'p', "3", null))).isInstanceOf(KvReplies.Written.class);
    }

    /**
     * A lock whose request timed out may be accepted by a replica outside every quorum the release meets; a release
     * that finds no lock must still write at its ballot, or a later round that reads that replica chooses the lock
     * again, after the release was confirmed, and nobody is left to release it.
     */
    @Test
    void aReleaseThatFindsNoLockFencesOffALockAcceptedOnlyOutsideItsQuorum() {
        kv.written(kv.put(a, "r", "0")); // a holds the lease: its lock goes straight to phase 2
        kv.sim.runFor(Duration.ofMillis(50)); // its commits land: the release will find it known chosen
        kv.sim.network().partition(java.util.List.of(a), java.util.List.of(b, c));
        Object lock = call(a, new KvRequests.Lock("r", "t1", 'p', "1", null));
        rejected(lock, 504, "outcome-unknown"); // accepted by a's own replica alone
        assertThat(kv.store(a).replicaState("r").content().lock()).isNotNull();
        assertThat(call(b, new KvRequests.Release("r", "t1", false))).as("aborted: nothing found to release")
                .isInstanceOf(KvReplies.Written.class);
        kv.sim.network().heal();
        assertThat(kv.written(kv.put(a, "r", "2")).version()).as("a read quorum with a's replica finds no lock").isNotNull();
        assertThat(kv.value(kv.get(c, "r", ReadLevel.LINEARIZABLE)).value()).isEqualTo("2");
    }

    /**
     * A lock's commits wait for its release (QuorumSettings.lockCommitDelayMs): the release from the same node
     * overwrites the lock first and they never go; a lock held past the delay gets them, and the key is then known
     * chosen at every replica.
     */
    @Test
    void aLocksCommitsWaitForItsRelease_andGoOnceTheDelayPasses() {
        kv.written(kv.put(a, "w", "0"));
        kv.sim.runFor(Duration.ofMillis(50));
        kv.sim.resetCounts();
        call(a, new KvRequests.Lock("w", "t1", 'p', "1", null));
        call(a, new KvRequests.Release("w", "t1", true));
        kv.sim.runFor(Duration.ofMillis(QuorumSettings.sim().lockCommitDelayMs() + 50));
        assertThat(kv.sim.messageCounts()).as("the release's commits only").containsEntry("Commit", 3L);

        kv.sim.resetCounts();
        call(a, new KvRequests.Lock("w", "t2", 'p', "2", null));
        kv.sim.runFor(Duration.ofMillis(QuorumSettings.sim().lockCommitDelayMs() / 2));
        assertThat(kv.sim.messageCounts()).as("not due yet").doesNotContainKey("Commit");
        kv.sim.runFor(Duration.ofMillis(QuorumSettings.sim().lockCommitDelayMs()));
        assertThat(kv.sim.messageCounts()).containsEntry("Commit", 3L);
        for (NodeId n : kv.nodes) {
            assertThat(kv.store(n).replicaState("w").committed()).as(n + " knows the lock chosen").isTrue();
            assertThat(kv.store(n).replicaState("w").content().lock()).isEqualTo(new Versioned.Lock("t2", 'p', "2"));
        }
    }

    @Test
    void aLockOnAnAbsentKeyCreatesItOnCommit_andTheLockSurvivesARestart() {
        call(a, new KvRequests.Lock("new", "t1", 'p', "v", Ballot.ZERO));
        for (NodeId n : kv.nodes) {
            kv.sim.crash(n);
            kv.sim.restart(n);
        }
        kv.sim.runFor(Duration.ofMillis(200));
        rejected(kv.await(kv.put(b, "new", "other"), Duration.ofSeconds(2)), 409, "key-locked");
        Versioned.Lock held = kv.store(a).replicaState("new").content().lock(); // a accepted its own lock, then crashed
        assertThat(held).isEqualTo(new Versioned.Lock("t1", 'p', "v"));
        call(c, new KvRequests.Release("new", "t1", true));
        assertThat(kv.value(kv.get(a, "new", ReadLevel.LINEARIZABLE)).value()).isEqualTo("v");
    }

    @Test
    void badLocksAreRefusedBeforeAnythingIsProposed() {
        rejected(call(a, new KvRequests.Lock("x", "", 'p', "v", null)), 400, "bad-request");
        rejected(call(a, new KvRequests.Lock("x", "t", 'z', "v", null)), 400, "bad-request");
        rejected(call(a, new KvRequests.Lock("x", "t", 'p', null, null)), 400, "bad-request");
        rejected(call(a, new KvRequests.Release("x", "bad\u001ftxn", true)), 400, "bad-request");
    }

    /** An add's lock: the intent is computed from the value inside the lock's round; a refusal is a 412 with why. */
    @Test
    void aDerivedLockComputesItsIntentFromTheValueItFinds_orRefusesWithWhy() {
        Ballot v1 = kv.written(kv.put(a, "x", "10")).version();
        dsys.kv.quorum.Derivation plus5 = current -> dsys.kv.quorum.Derivation.Derived.intent(Long.toString(Long.parseLong(current) + 5));
        rejected(call(b, new KvRequests.LockDerived("x", "t1", plus5, Ballot.ZERO)), 412, "precondition-failed");
        assertThat(call(b, new KvRequests.LockDerived("x", "t1", plus5, v1))).isInstanceOf(KvReplies.Written.class);
        rejected(kv.await(kv.put(c, "x", "0"), Duration.ofSeconds(2)), 409, "key-locked");
        call(c, new KvRequests.Release("x", "t1", true));
        assertThat(kv.value(kv.get(a, "x", ReadLevel.LINEARIZABLE)).value()).isEqualTo("15");

        Object refused = call(a, new KvRequests.LockDerived("x", "t2", current -> dsys.kv.quorum.Derivation.Derived.refused("holds " + current), null));
        rejected(refused, 412, "lock-refused");
        assertThat(((Rejection) refused).detail()).contains("holds 15");
        assertThat(kv.written(kv.put(b, "x", "1")).version()).as("a refused lock is not held").isNotNull();
        Object onAbsent = call(a, new KvRequests.LockDerived("y", "t3", current -> dsys.kv.quorum.Derivation.Derived.intent(current == null ? "absent" : "?"), null));
        assertThat(onAbsent).isInstanceOf(KvReplies.Written.class);
        call(b, new KvRequests.Release("y", "t3", true));
        assertThat(kv.value(kv.get(c, "y", ReadLevel.LINEARIZABLE)).value()).isEqualTo("absent");
    }

    /**
     * A participant's deferred release rides on the key's next lock (RegisterResources): one round applies the release
     * and takes the lock, the lock judged on what the release left (an add sums from the committed value), and costs
     * no more messages than a lock alone.
     */
    @Test
    void aReleaseRidesOnTheKeysNextLock_inOneRoundThatJudgesTheLockOnWhatTheReleaseLeft() {
        Ballot v1 = kv.written(kv.put(a, "m", "10")).version();
        dsys.kv.quorum.Derivation plus5 = current -> dsys.kv.quorum.Derivation.Derived.intent(Long.toString(Long.parseLong(current) + 5));
        call(a, new KvRequests.LockDerived("m", "t1", plus5, v1));
        kv.sim.resetCounts();
        Object both = call(a, new KvRequests.ReleaseThenLock(new KvRequests.Release("m", "t1", true),
                new KvRequests.LockDerived("m", "t2", plus5, null)));
        assertThat(both).isInstanceOfSatisfying(KvReplies.Written.class, w -> assertThat(w.version()).as("t1's commit: a new version").isGreaterThan(v1));
        assertThat(kv.sim.messageCounts()).as("one round: accepts and their answers, no prepare").doesNotContainKey("Prepare")
                .containsEntry("Accept", 3L);
        assertThat(kv.store(a).replicaState("m").content().lock()).as("t2 holds it, its intent summed from t1's 15")
                .isEqualTo(new Versioned.Lock("t2", 'p', "20"));
        assertThat(kv.store(a).replicaState("m").content().value()).isEqualTo("15");
        rejected(kv.await(kv.get(c, "m", ReadLevel.LINEARIZABLE), Duration.ofSeconds(2)), 409, "key-locked");
        call(b, new KvRequests.Release("m", "t2", true));
        assertThat(kv.value(kv.get(c, "m", ReadLevel.LINEARIZABLE)).value()).isEqualTo("20");
    }

    /** The release goes even when the lock it rides on is refused; a release whose transaction holds nothing is no-op. */
    @Test
    void aRidingReleaseGoesEvenWhenItsLockIsRefused_andOneWithNothingToReleaseLeavesAPlainLock() {
        Ballot v1 = kv.written(kv.put(a, "n", "1")).version();
        call(a, new KvRequests.Lock("n", "t1", 'p', "2", v1));
        rejected(call(a, new KvRequests.ReleaseThenLock(new KvRequests.Release("n", "t1", true),
                new KvRequests.Lock("n", "t2", 'p', "3", v1))), 412, "precondition-failed"); // v1 is gone with t1's commit
        KvReplies.Value after = kv.value(kv.get(c, "n", ReadLevel.LINEARIZABLE));
        assertThat(after.value()).as("t1 committed, nothing locked").isEqualTo("2");

        Object plain = call(b, new KvRequests.ReleaseThenLock(new KvRequests.Release("n", "t1", true),
                new KvRequests.Lock("n", "t3", 'g', null, after.version())));
        assertThat(plain).as("t1 holds nothing any more: a read lock under the current version")
                .isInstanceOfSatisfying(KvReplies.Value.class, v -> assertThat(v.value()).isEqualTo("2"));
        assertThat(kv.value(kv.get(c, "n", ReadLevel.LINEARIZABLE)).version()).isEqualTo(after.version());
        rejected(call(a, new KvRequests.ReleaseThenLock(new KvRequests.Release("other", "t1", true),
                new KvRequests.Lock("n", "t4", 'p', "x", null))), 400, "bad-request");
    }

    /**
     * A refused lock still writes the release it carries. When that round's accept reaches only the coordinator's own
     * replica and is then refused (a plain write prepared higher meanwhile and accepted nothing), the operation's next round
     * finds its own accept as the newest content: it must answer the refusal again. With the release recorded under
     * the lock's own id it answered "written", and a transfer voted holding one of its keys (kv-service README, "A
     * riding release is a write of its own").
     */
    @Test
    void aRefusedRidingLockWhoseRoundIsOutrun_isStillRefused() {
        kv.written(kv.put(a, "r", "85"));
        call(a, new KvRequests.Lock("r", "t1", 'g', null, null));
        call(a, new KvRequests.Lock("r", "t2", 'g', null, null));
        kv.sim.resetCounts();
        SimRequest ride = kv.sim.request(a, new KvRequests.ReleaseThenLock(new KvRequests.Release("r", "t2", false),
                new KvRequests.Lock("r", "t3", 'p', "86", null)));
        assertThat(kv.sim.runUntil(() -> kv.sim.messageCounts().getOrDefault("Accept", 0L) > 0, Duration.ofSeconds(1))).isTrue();
        kv.sim.network().block(a, b).block(a, c); // its accepts reach a's own replica only
        // a plain write from b prepares higher at b and c, meets the read lock and accepts nothing
        rejected(kv.await(kv.put(b, "r", "99"), Duration.ofSeconds(2)), 409, "key-locked");
        kv.sim.network().heal();
        rejected(kv.await(ride, Duration.ofSeconds(2)), 409, "key-locked"); // "written" before: only the release was
        assertThat(kv.value(kv.get(c, "r", ReadLevel.LINEARIZABLE)).value()).isEqualTo("85");
        assertThat(kv.store(b).replicaState("r").content().lock()).as("t2's release went, t1 still reads, t3 holds nothing")
                .isEqualTo(new Versioned.Lock("t1", 'g', null));
    }
}
