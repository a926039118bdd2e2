package dsys.lock.coordination;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.lock.election.BullyMessages;
import dsys.lock.election.Heartbeat;
import dsys.lock.election.RingMessages;
import dsys.platform.transport.DsysJacksonModule;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every message this package sends between nodes survives the HTTP transport's JSON (class name + body). */
class MessageJsonTest {

    private final ObjectMapper json = new ObjectMapper().registerModule(new DsysJacksonModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES); // stricter than the transport

    @Test
    void roundTrips() throws Exception {
        NodeId a = NodeId.of("lock-1"), b = NodeId.of("lock-3");
        List<Message> all = List.of(
                new BullyMessages.Election("lock-1:ab", 7), new BullyMessages.Ok("lock-1:ab", 7),
                new BullyMessages.Coordinator("lock-1:ab", b, 9), new Heartbeat("ring", b, 9),
                new RingMessages.Election("r", -5, 42, a, List.of(a, b), 3), new RingMessages.Coordinator("r", 1, 2, a, b, 4),
                new RingMessages.Ack("r", 42),
                new CoordinationMessages.TallyQuery(1, "bully", "r"), new CoordinationMessages.TallyReply(1, Map.of("bully.ok", 2L)),
                new CoordinationMessages.AgreementBegin(3, List.of("lock-1", "lock-2"), Map.of("lock-1", "1", "lock-2", "2"),
                        List.of("lock-2"), 2, 11, "random"),
                new CoordinationMessages.AgreementReport(3, 2, 1, Map.of("", "1", "0.2", "x")),
                new CoordinationMessages.AgreementDone(3, 0, true, List.of("1", "2"), List.of(List.of("1", "2"), List.of("1", "2")),
                        List.of("1", "UNKNOWN"), "UNKNOWN", Map.of("byzantine.value", 1L)));
        for (Message m : all) {
            String text = json.writeValueAsString(m);
            assertThat(text).doesNotContain("\"type\"");
            Object back = json.readValue(text, Class.forName(m.getClass().getName()));
            assertThat(back).as(text).isEqualTo(m);
        }
    }
}
