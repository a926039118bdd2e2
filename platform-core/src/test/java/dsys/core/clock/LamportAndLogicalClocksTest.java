package dsys.core.clock;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LamportAndLogicalClocksTest {

    @Test
    void lamportStampsOrderByTimeThenNodeId() {
        List<LamportStamp> stamps = new ArrayList<>(List.of(new LamportStamp(2, "kv-1"), new LamportStamp(1, "kv-3"),
                new LamportStamp(2, "kv-0"), new LamportStamp(1, "kv-2")));
        Collections.sort(stamps);
        assertThat(stamps).containsExactly(new LamportStamp(1, "kv-2"), new LamportStamp(1, "kv-3"),
                new LamportStamp(2, "kv-0"), new LamportStamp(2, "kv-1"));
        assertThat(new LamportStamp(5, "a").compareTo(new LamportStamp(5, "a"))).isZero();
    }

    @Test
    void tickAdvancesBothClocks() {
        LogicalClocks c = new LogicalClocks("p");
        c.tick();
        c.tick();
        assertThat(c.lamport()).isEqualTo(2);
        assertThat(c.vector()).isEqualTo(new VectorTime(Map.of("p", 2L)));
        assertThat(c.stamp()).isEqualTo(new LamportStamp(2, "p"));
    }

    @Test
    void receiveIsLaterThanBothTheSendAndTheLocalPast() {
        LogicalClocks sender = new LogicalClocks("p"), receiver = new LogicalClocks("q");
        for (int i = 0; i < 5; i++) sender.tick();   // p is ahead
        receiver.tick();
        sender.tick();                                 // the send
        receiver.receive(sender.lamport(), sender.vector());
        assertThat(receiver.lamport()).isEqualTo(7).isGreaterThan(sender.lamport());
        assertThat(receiver.vector()).isEqualTo(new VectorTime(Map.of("p", 6L, "q", 2L)));
        assertThat(sender.vector().compare(receiver.vector())).isEqualTo(Causality.BEFORE);

        // A message from the past still moves the receiver forward: max(local, sent) + 1.
        receiver.receive(1, new VectorTime(Map.of("p", 1L)));
        assertThat(receiver.lamport()).isEqualTo(8);
        assertThat(receiver.vector()).isEqualTo(new VectorTime(Map.of("p", 6L, "q", 3L)));
    }

    @Test
    void restoreSetsBothClocks() {
        LogicalClocks c = new LogicalClocks("p");
        c.restore(41, new VectorTime(Map.of("p", 3L, "q", 9L)));
        c.tick();
        assertThat(c.lamport()).isEqualTo(42);
        assertThat(c.vector().get("p")).isEqualTo(4);
        assertThat(c.vector().get("q")).isEqualTo(9);
    }
}
