package dsys.platform.events;

import dsys.core.clock.VectorTime;
import dsys.core.message.Envelope;
import dsys.core.node.NodeId;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MessageJournalTest {

    private static Envelope envelope(int i) {
        return new Envelope("kv-1-" + i, new NodeId("kv-1"), new NodeId("kv-2"), "Read", i,
                new VectorTime(Map.of("kv-1", (long) i)), null);
    }

    @Test
    void recordsNothingUntilSomeoneWatches() {
        MessageJournal j = new MessageJournal();
        j.sent(envelope(1));
        assertThat(j.next()).isZero();
        j.watch();
        j.sent(envelope(2));
        j.received(envelope(2), 7, new VectorTime(Map.of("kv-1", 2L, "kv-2", 5L)));
        assertThat(j.after(-1, 10)).extracting(n -> n.entry().event() + " " + n.entry().node() + "→" + n.entry().peer()
                + " " + n.entry().msgId() + " L" + n.entry().lamport())
                .containsExactly("send kv-1→kv-2 kv-1-2 L2", "receive kv-2→kv-1 kv-1-2 L7");
    }

    @Test
    void readersGetWhatCameAfterTheirSeqAndTheRingKeepsTheNewest() {
        MessageJournal j = new MessageJournal();
        j.watch();
        int total = MessageJournal.CAPACITY + 10;
        for (int i = 0; i < total; i++) j.sent(envelope(i));
        assertThat(j.next()).isEqualTo(total);
        // The 10 oldest were overwritten: a reader that saw nothing starts at the oldest kept.
        assertThat(j.after(-1, 3)).extracting(MessageJournal.Numbered::seq).containsExactly(10L, 11L, 12L);
        assertThat(j.after(total - 3, 100)).extracting(n -> n.entry().msgId())
                .containsExactly("kv-1-" + (total - 2), "kv-1-" + (total - 1));
        assertThat(j.after(total - 1, 100)).isEmpty();
    }
}
