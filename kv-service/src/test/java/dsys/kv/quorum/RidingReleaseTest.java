package dsys.kv.quorum;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A lock that carries another transaction's release (a riding release, {@link Change#afterRelease}) and is refused
 * still writes the release. A Proposal whose accept is then refused (a higher prepare came meanwhile) starts a new
 * round, and finds its own earlier accept as the newest content when no newer one was accepted. If the release were
 * recorded under the operation's id, that round would take it for "an earlier round of ours" and answer the lock
 * written: found live by `./platform verify bank --nemesis kill,partition` (2 runs in 18), a transfer voted
 * vote-commit holding one of its two keys and its other intent was never applied.
 */
class RidingReleaseTest {

    private static final Ballot V0 = new Ballot(10, "kv-1"), B1 = new Ballot(20, "kv-1");

    /** k read-locked by t1 and t2; t3 wants to write it and carries t2's release. */
    private static final Versioned SHARED = new Versioned(V0, "85", List.of(new Versioned.Write("kv-2:1:1", V0)),
            new Versioned.Lock("t1,t2", 'g', null));

    private static Change t3WithT2sRelease() {
        return Change.lock(new Versioned.Lock("t3", 'p', "86"), null).afterRelease(Change.release("t2", true));
    }

    @Test
    void aRefusedLockWritesItsRidingRelease_underANameOfItsOwn() {
        Change c = t3WithT2sRelease();
        Versioned judged = c.base(SHARED, B1, "kv-1:1:7");
        assertThat(judged.lock()).as("t2's read lock went").isEqualTo(new Versioned.Lock("t1", 'g', null));
        assertThat(c.holds(judged)).as("t1 still reads it: t3's write lock is refused").isFalse();
        assertThat(judged.writeOf("kv-1:1:7")).as("the operation's next round must not find itself written").isNull();
        assertThat(judged.writeOf(Change.releaseOf("kv-1:1:7"))).as("the release is in the chain, as itself").isNotNull();
    }

    @Test
    void aGrantedLockIsFoundWrittenByItsNextRound() {
        Change c = t3WithT2sRelease();
        Versioned onlyT2 = new Versioned(V0, "85", List.of(), new Versioned.Lock("t2", 'g', null));
        Versioned judged = c.base(onlyT2, B1, "kv-1:1:8");
        assertThat(c.holds(judged)).isTrue();
        Versioned proposed = c.apply(judged, B1, "kv-1:1:8");
        assertThat(proposed.lock()).isEqualTo(new Versioned.Lock("t3", 'p', "86"));
        assertThat(proposed.writeOf("kv-1:1:8")).as("a retry of a round that took the lock answers it written").isNotNull();
    }
}
