package dsys.kv.quorum;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StorageCodecTest {

    @Test
    void anAcceptorStateSurvivesItsEncoding() {
        Ballot b1 = new Ballot(17, "kv-1"), b2 = new Ballot(19, "kv-2");
        Versioned content = Versioned.ABSENT.next(b1, "a", "kv-1:1:1").next(b2, "x\u001fy\u001e=z\n", "kv-2:3:4");
        AcceptorState s = new AcceptorState(new Ballot(21, "kv-3"), b2, true, content);
        assertThat(StorageCodec.decode(StorageCodec.encode(s))).isEqualTo(s);
        AcceptorState tomb = new AcceptorState(b2, b2, false, content.next(b2, null, "kv-2:3:5"));
        assertThat(StorageCodec.decode(StorageCodec.encode(tomb))).isEqualTo(tomb);
        assertThat(StorageCodec.decode(StorageCodec.encode(AcceptorState.EMPTY))).isEqualTo(AcceptorState.EMPTY);
    }

    @Test
    void aTransactionsLockAndIntentSurviveTheEncoding_whateverTheValuesHold() {
        String odd = "a\u001fb\u001ec=!d";
        for (String value : new String[]{null, "", "v", odd}) {
            for (Versioned.Lock lock : new Versioned.Lock[]{null, new Versioned.Lock("t-1", 'p', "new"),
                    new Versioned.Lock("t-2", 'p', ""), new Versioned.Lock("t-3", 'p', odd), new Versioned.Lock("t-4", 'd', null),
                    new Versioned.Lock("key-x", 'g', null)}) {
                AcceptorState s = new AcceptorState(new Ballot(9, "kv-1"), new Ballot(8, "kv-1"), true,
                        new Versioned(new Ballot(7, "kv-3"), value, java.util.List.of(new Versioned.Write("op", new Ballot(8, "kv-1"))), lock));
                assertThat(StorageCodec.decode(StorageCodec.encode(s))).as(value + " " + lock).isEqualTo(s);
            }
        }
    }

    @Test
    void keysAreHexOfTheirUtf8AndKeepTheirOrder() {
        StorageCodec codec = new StorageCodec("default");
        List<String> keys = List.of("", "a", "a/b", "ab", "b", "é", "✓", "\u0001");
        for (String k : keys) assertThat(codec.keyOf(codec.storageKey(k))).isEqualTo(k);
        TreeSet<String> byStorage = new TreeSet<>((x, y) -> codec.storageKey(x).compareTo(codec.storageKey(y)));
        byStorage.addAll(keys);
        TreeSet<String> byBytes = new TreeSet<>((x, y) -> java.util.Arrays.compareUnsigned(
                x.getBytes(java.nio.charset.StandardCharsets.UTF_8), y.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        byBytes.addAll(keys);
        assertThat(byStorage).containsExactlyElementsOf(byBytes);
        assertThat(codec.storageKey("ab")).startsWith(codec.storageKey("a"));
    }

    @Test
    void ballotsOrderByCounterThenNodeAndReadBack() {
        assertThat(new Ballot(2, "kv-1")).isGreaterThan(new Ballot(1, "kv-9"));
        assertThat(new Ballot(2, "kv-2")).isGreaterThan(new Ballot(2, "kv-1"));
        assertThat(Ballot.parse("1712.kv-2")).isEqualTo(new Ballot(1712, "kv-2"));
        assertThat(Ballot.parse(Ballot.ZERO.toString())).isEqualTo(Ballot.ZERO);
        assertThatThrownBy(() -> Ballot.parse("kv-2")).hasMessageContaining("looks like 1712.kv-2");
        assertThatThrownBy(() -> Ballot.parse("x.kv-2")).hasMessageContaining("looks like 1712.kv-2");
    }

    @Test
    void theRegisterRemembersItsLastWritesOnly() {
        Versioned v = Versioned.ABSENT;
        for (int i = 1; i <= Versioned.RECENT + 2; i++) v = v.next(new Ballot(i, "kv-1"), "v" + i, "op" + i);
        assertThat(v.writes()).hasSize(Versioned.RECENT);
        assertThat(v.writeOf("op1")).isNull();
        assertThat(v.writeOf("op10").version()).isEqualTo(new Ballot(10, "kv-1"));
        assertThat(v.recentSince(new Ballot(3, "kv-1"))).as("writes 3..10 are all remembered").isFalse();
        assertThat(v.recentSince(new Ballot(4, "kv-1"))).isTrue();
    }

    @Test
    void decodedStatesShareTheirBallotsNodeNames() {
        // four or more ballots per key in memory: each with its own copy of the node's name was ~15 % of the heap
        AcceptorState a = StorageCodec.decode(StorageCodec.encode(new AcceptorState(new Ballot(5, "kv-2"), new Ballot(4, "kv-2"),
                true, Versioned.ABSENT.next(new Ballot(4, "kv-2"), "v", "kv-2:1:1"))));
        assertThat(a.promised().node()).isSameAs(a.accepted().node()).isSameAs(a.content().version().node())
                .isSameAs(Ballot.parse("9.kv-2").node());
        String longName = "n".repeat(40);
        assertThat(Ballot.parse("1." + longName).node()).as("a long name (a client's If-Match) is not kept")
                .isNotSameAs(Ballot.parse("2." + longName).node());
    }
}
