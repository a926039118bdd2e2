package dsys.platform.transport;

import dsys.core.clock.VectorTime;
import dsys.core.message.Envelope;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LamportBoundsTest {

    record Note() implements Message {
    }

    static List<MessageBatch.Received> batch(long lamport, Map<String, Long> vector) {
        return List.of(new MessageBatch.Received("g", new Envelope("m", NodeId.of("n-1"), NodeId.of("n-2"), "Note",
                lamport, new VectorTime(vector), new Note())));
    }

    @Test
    void honestTimesPassAndTheHorizonMovesWithWhatWasAccepted() throws PeerRefusal {
        LamportBounds bounds = new LamportBounds();
        List<MessageBatch.Received> early = batch(LamportBounds.MAX_AHEAD, Map.of("n-1", 5L));
        bounds.check(early);
        bounds.accepted(early);
        List<MessageBatch.Received> later = batch(2 * LamportBounds.MAX_AHEAD, Map.of("n-1", 6L, "n-2", 3L));
        assertThatCode(() -> bounds.check(later)).doesNotThrowAnyException();
    }

    @Test
    void negativeAbsurdlyAheadOrInconsistentTimesAreRefused() {
        LamportBounds bounds = new LamportBounds();
        assertThatThrownBy(() -> bounds.check(batch(-1, Map.of()))).hasMessageContaining("Lamport time -1");
        assertThatThrownBy(() -> bounds.check(batch(LamportBounds.MAX_AHEAD + 1, Map.of()))).isInstanceOf(PeerRefusal.class);
        assertThatThrownBy(() -> bounds.check(batch(Long.MAX_VALUE, Map.of()))).isInstanceOf(PeerRefusal.class);
        assertThatThrownBy(() -> bounds.check(batch(10, Map.of("n-2", 11L)))).hasMessageContaining("vector entry n-2=11");
    }

    @Test
    void nothingPassesBeyondTwoToThe53() throws PeerRefusal {
        LamportBounds bounds = new LamportBounds();
        for (long l = LamportBounds.MAX_AHEAD; l < LamportBounds.MAX; l += LamportBounds.MAX_AHEAD) {
            List<MessageBatch.Received> b = batch(l, Map.of());
            bounds.check(b);
            bounds.accepted(b);
        }
        assertThatThrownBy(() -> bounds.check(batch(LamportBounds.MAX + 1, Map.of()))).isInstanceOf(PeerRefusal.class);
    }
}
