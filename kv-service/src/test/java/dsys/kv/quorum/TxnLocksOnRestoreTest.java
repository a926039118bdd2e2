package dsys.kv.quorum;

import dsys.core.message.Message;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A restored register holds no transaction lock, in storage or in a redelivered message; the rest stays as it was. */
class TxnLocksOnRestoreTest {

    private final TxnLocksOnRestore filter = new TxnLocksOnRestore("default");
    private final StorageCodec codec = new StorageCodec("default");
    private final Ballot b = new Ballot(1712, "kv-2");
    private final Versioned value = Versioned.ABSENT.next(new Ballot(1700, "kv-1"), "x", "kv-1:1:1");
    private final Versioned locked = value.locked(new Versioned.Lock("txn-1-1-4", 'p', "y"), b, "kv-2:1:5");

    @Test
    void aLockedRegisterIsRestoredUnlocked_keepingValueVersionAndWrites() {
        AcceptorState s = new AcceptorState(b, b, true, locked);
        AcceptorState back = StorageCodec.decode(filter.state(codec.storageKey("k"), StorageCodec.encode(s)));
        assertThat(back.content().lock()).isNull();
        assertThat(back.content().value()).isEqualTo("x");
        assertThat(back.content().version()).isEqualTo(value.version());
        assertThat(back.content().writes()).isEqualTo(locked.writes());
        assertThat(back.promised()).isEqualTo(b);
        assertThat(back.accepted()).isEqualTo(b);
        assertThat(back.committed()).isTrue();
    }

    @Test
    void whatHoldsNoLockIsLeftAsItIs() {
        String plain = StorageCodec.encode(new AcceptorState(b, b, true, value));
        assertThat(filter.state(codec.storageKey("k"), plain)).isSameAs(plain);
        assertThat(filter.state(codec.floorKey(), "1.kv-1")).isEqualTo("1.kv-1");
        Message commit = new QuorumMessages.Commit("k", b);
        assertThat(filter.message(commit)).isSameAs(commit);
    }

    @Test
    void redeliveredMessagesCarryNoLock() {
        List<Message> locking = List.of(new QuorumMessages.Accept("op", "k", b, locked, Ballot.ZERO),
                new QuorumMessages.Promise("op", "k", b, true, b, b, false, locked),
                new QuorumMessages.ReadReply("op", "k", b, true, locked),
                new QuorumMessages.Learn(1, List.of(new QuorumMessages.Chosen("k", b, locked), new QuorumMessages.Chosen("l", b, value))));
        for (Message m : locking) {
            Message out = filter.message(m);
            assertThat(out).as(m.toString()).isNotSameAs(m);
            assertThat(out.toString()).doesNotContain("txn-1-1-4");
        }
    }
}
