package dsys.platform.checkpoint;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.checkpoint.Dependency;
import dsys.core.checkpoint.live.Control;
import dsys.core.checkpoint.live.LocalMeta;
import dsys.core.checkpoint.live.Stamped;
import dsys.core.checkpoint.live.Views;
import dsys.core.message.Message;
import dsys.core.rpc.RpcMessages;
import dsys.platform.transport.DsysJacksonModule;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What checkpoints put on the wire and on disk survives JSON: a stamped message with the message it wraps, every
 * control message, and (through {@link JsonCodec}) what a node stores and the initiator lists.
 */
class CheckpointJsonTest {

    private final ObjectMapper json = new ObjectMapper().registerModule(new DsysJacksonModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES); // stricter than the transport
    private final Views.LocalSummary summary = new Views.LocalSummary("kv-1", "s3", 12, 3400, "00ff00ff00ff00ff", true);

    @Test
    void aStampedMessageCarriesTheMessageItWraps() throws Exception {
        Stamped s = new Stamped(2, 5, (3L << 32) + 7, 4, new RpcMessages.Request("c-1", 1, "alice", -5, 0, 1));
        String text = json.writeValueAsString(s);
        assertThat(text).contains("\"class\":\"dsys.core.rpc.RpcMessages$Request\"");
        assertThat(json.readValue(text, Stamped.class)).isEqualTo(s);
        assertThat(s.type()).as("counted as what it wraps").isEqualTo("Request");
    }

    @Test
    void aStampedMessageNamingNoMessageIsRefused() {
        String notAMessage = "{\"epoch\":0,\"color\":0,\"seq\":1,\"interval\":0,\"class\":\"java.lang.String\",\"inner\":\"x\"}";
        assertThatThrownBy(() -> json.readValue(notAMessage, Stamped.class)).hasMessageContaining("not a message");
        String nested = "{\"epoch\":0,\"color\":0,\"seq\":1,\"interval\":0,\"class\":\"" + Stamped.class.getName() + "\",\"inner\":{}}";
        assertThatThrownBy(() -> json.readValue(nested, Stamped.class)).hasMessageContaining("not another stamped one");
    }

    @Test
    void controlMessagesRoundTrip() throws Exception {
        TreeMap<String, Integer> types = new TreeMap<>();
        types.put("Accept", 2);
        List<Message> all = List.of(new Control.SnapshotMarker(3),
                new Control.SnapshotRecorded(3, List.of(new Control.Count("kv-2", 2, 41))),
                new Control.ChannelCounts(3, List.of(new Control.Count("kv-1", 2, -1))), new Control.SnapshotClose(3),
                new Control.SnapshotPart(3, summary, List.of(new Views.ChannelState("kv-2", "kv-1", 2, types, 0)), null),
                new Control.SnapshotPart(3, null, List.of(), "kv-1 has no recording"),
                new Control.CheckpointRequest(4, 3, true), new Control.CheckpointAck(4, summary),
                new Control.CheckpointDone(4, false), new Control.DoneAck(4), new Control.CheckpointsQuery(5, 2, List.of(2, 4)),
                new Control.CheckpointsReport(5, 0, 6, List.of(new Dependency("kv-2", 3, "kv-1", 5)), List.of(summary)),
                new Control.RestorePrepare("snapshot-3", "s3"), new Control.RestoreReady("snapshot-3", "s3", null),
                new Control.RestoreOrder("snapshot-3", "s3", 2),
                new Control.RestoreDone("snapshot-3", 2, new Views.RestoredPart("kv-1", "s3", 12, "00ff00ff00ff00ff", 2, 1), null));
        for (Message m : all) {
            String text = json.writeValueAsString(m);
            assertThat(json.readValue(text, m.getClass())).as(text).isEqualTo(m);
        }
    }

    @Test
    void theCodecKeepsStoredValuesAndMessages() {
        JsonCodec codec = new JsonCodec(json);
        TreeMap<String, Integer> line = new TreeMap<>();
        line.put("kv-1", 2);
        Object[] values = {
                new LocalMeta("i2", 2, "taken", summary, List.of(new Dependency("kv-3", 1, "kv-1", 1)), 0),
                new Views.GlobalCheckpoint("independent-1", "independent", 0, 1700000000000L, true, true, List.of(summary),
                        List.of(), line, line, List.of(), new TreeMap<>()),
                new RpcMessages.Reply("c-1", 95)};
        for (Object v : values) assertThat(codec.decode(codec.encode(v))).isEqualTo(v);
        assertThatThrownBy(() -> codec.decode("java.io.File\n\"/etc/passwd\"")).hasMessageContaining("not a stored dsys value");
    }
}
