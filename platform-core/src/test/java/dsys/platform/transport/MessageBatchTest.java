package dsys.platform.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.clock.VectorTime;
import dsys.core.message.Envelope;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The trace context on a batch line: carried for a traced envelope, absent (not even a null) for the others. */
class MessageBatchTest {

    public record Note(int i) implements Message {
    }

    static final String TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    final ObjectMapper json = new ObjectMapper();
    final NodeId from = NodeId.of("n-1"), to = NodeId.of("n-2");

    @Test
    void aTracedEnvelopeKeepsItsContextAndAnUntracedOneCarriesNone() throws Exception {
        Envelope traced = new Envelope("n-1-1", from, to, "Note", 1, VectorTime.ZERO, new Note(1), TRACE);
        Envelope plain = new Envelope("n-1-2", from, to, "Note", 2, VectorTime.ZERO, new Note(2));
        byte[] line = json.writeValueAsBytes(new MessageBatch(List.of(MessageBatch.Item.of("g", traced), MessageBatch.Item.of("g", plain))));
        assertThat(new String(line, StandardCharsets.UTF_8)).containsOnlyOnce("\"trace\"");

        List<MessageBatch.Received> got = MessageBatch.decode(line, 0, line.length, from, to, json);
        assertThat(got).extracting(r -> r.envelope().trace()).containsExactly(TRACE, null);
        assertThat(got.get(0).envelope().payload()).isEqualTo(new Note(1));
    }

    @Test
    void aMalformedContextIsDroppedNotTheMessage() {
        byte[] line = ("{\"messages\":[{\"group\":\"g\",\"id\":\"n-1-1\",\"type\":\"" + Note.class.getName()
                + "\",\"lamport\":1,\"vector\":\"\",\"payload\":{\"i\":1},\"trace\":\"00-not-a-context\"}]}").getBytes(StandardCharsets.UTF_8);
        List<MessageBatch.Received> got = MessageBatch.decode(line, 0, line.length, from, to, json);
        assertThat(got).singleElement().satisfies(r -> {
            assertThat(r.envelope().payload()).isEqualTo(new Note(1));
            assertThat(r.envelope().trace()).isNull();
        });
    }
}
