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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A batch line read back: the trace context carried for a traced envelope and absent (not even a null) for the others;
 * fields in any order; what is wrong named.
 */
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

    @Test
    void fieldsInAnotherOrderAndUnknownOnesAreRead() {
        byte[] line = ("{\"extra\":[1,{\"a\":2}],\"messages\":[{\"payload\":{\"i\":7},\"future\":{\"x\":[]},\"lamport\":9,"
                + "\"vector\":\"n-1=3\",\"type\":\"" + Note.class.getName() + "\",\"id\":\"n-1-5\",\"group\":\"g\"}]}").getBytes(StandardCharsets.UTF_8);
        List<MessageBatch.Received> got = MessageBatch.decode(line, 0, line.length, from, to, json);
        assertThat(got).singleElement().satisfies(r -> {
            assertThat(r.group()).isEqualTo("g");
            assertThat(r.envelope().payload()).isEqualTo(new Note(7));
            assertThat(r.envelope().id()).isEqualTo("n-1-5");
            assertThat(r.envelope().lamport()).isEqualTo(9);
            assertThat(r.envelope().vector()).isEqualTo(ClockHeaders.decode("n-1=3"));
            assertThat(r.envelope().from()).isEqualTo(from);
        });
    }

    @Test
    void aBatchFromAnOffsetIsReadWithinItsBounds() throws Exception {
        byte[] body = json.writeValueAsBytes(new MessageBatch(List.of(MessageBatch.Item.of("g",
                new Envelope("n-1-1", from, to, "Note", 1, VectorTime.ZERO, new Note(3))))));
        byte[] line = new byte[body.length + 10];
        System.arraycopy(body, 0, line, 4, body.length);
        assertThat(MessageBatch.decode(line, 4, body.length, from, to, json)).extracting(r -> r.envelope().payload()).containsExactly(new Note(3));
    }

    @Test
    void whatIsWrongIsNamed() {
        String note = Note.class.getName();
        assertThatThrownBy(() -> decode("{\"messages\":[")).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not JSON");
        assertThatThrownBy(() -> decode("[1]")).hasMessage("needs {messages: [...]}");
        assertThatThrownBy(() -> decode("{\"messages\":{}}")).hasMessage("needs {messages: [...]}");
        assertThatThrownBy(() -> decode("{}")).hasMessage("needs {messages: [...]}");
        assertThatThrownBy(() -> decode("{\"messages\":[{\"type\":\"java.lang.String\",\"payload\":{}}]}")).hasMessage("java.lang.String is not a message");
        assertThatThrownBy(() -> decode("{\"messages\":[{\"type\":\"no.Such\",\"payload\":{}}]}")).hasMessage("unknown message class no.Such");
        assertThatThrownBy(() -> decode("{\"messages\":[{\"type\":\"" + note + "\"}]}")).hasMessageContaining("no payload");
        assertThatThrownBy(() -> decode("{\"messages\":[{\"type\":\"" + note + "\",\"payload\":null}]}")).hasMessageContaining("no payload");
        assertThatThrownBy(() -> decode("{\"messages\":[{\"type\":\"" + note + "\",\"payload\":{\"i\":\"x\"}}]}"))
                .hasMessageStartingWith("cannot read " + note);
        assertThatThrownBy(() -> decode("{\"messages\":[7]}")).hasMessage("a message must be an object");
    }

    private List<MessageBatch.Received> decode(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return MessageBatch.decode(b, 0, b.length, from, to, json);
    }
}
