package dsys.kv.txn.api;

import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.Versioned;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WaitDieTest {

    @Test
    void ageIsIncarnationThenSequence() {
        assertThat(WaitDie.olderThan("txn-1-8-18", "txn-1-8-19")).isTrue();
        assertThat(WaitDie.olderThan("txn-1-8-19", "txn-1-8-18")).isFalse();
        assertThat(WaitDie.olderThan("txn-1-8-900", "txn-1-9-1")).as("an earlier incarnation began earlier").isTrue();
        assertThat(WaitDie.olderThan("txn-1-9-1", "txn-1-8-900")).isFalse();
        assertThat(WaitDie.olderThan("key-abc", "txn-1-8-1")).as("no age: may wait").isTrue();
        assertThat(WaitDie.olderThan("txn-1-8-1", "key-2-3-x")).isTrue();
    }

    @Test
    void theHolderIsReadFromKvsKeyLockedAnswer() {
        String detail = KvReplies.locked("acct-1", new Versioned.Lock("txn-1-8-18", 'g', null)).detail();
        assertThat(WaitDie.holder(detail)).isEqualTo("txn-1-8-18");
        assertThat(WaitDie.holder("something else")).isNull();
    }
}
