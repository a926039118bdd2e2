package dsys.time.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.time.averaging.AveragingBroadcast;
import dsys.time.averaging.AveragingStart;
import dsys.time.berkeley.BerkeleyAdjust;
import dsys.time.berkeley.BerkeleyPoll;
import dsys.time.berkeley.BerkeleyStart;
import dsys.time.berkeley.BerkeleyTime;
import dsys.time.core.NodeStatus;
import dsys.time.core.StatusQuery;
import dsys.time.core.StatusReply;
import dsys.time.core.SyncDone;
import dsys.time.cristian.CristianReply;
import dsys.time.cristian.CristianRequest;
import dsys.time.cristian.CristianStart;
import dsys.time.ntp.NtpMessage;
import dsys.time.ntp.NtpStart;

import java.util.List;
import java.util.Map;

/**
 * Builds the JSON codecs of every protocol message once at start. Otherwise the first message of each type pays
 * for class loading and codec construction (several ms) on one leg of a round trip only — an asymmetry that
 * Cristian, Berkeley and averaging would read as clock offset.
 */
final class CodecWarmup {

    private CodecWarmup() {
    }

    static void run(ObjectMapper json) throws Exception {
        NodeId n = NodeId.of("time-1");
        NodeStatus s = new NodeStatus("time-1", true, 1, 1, 0, 0, 0, 1, null, true, 1);
        List<Message> samples = List.of(
                new StatusQuery("g", "r"), new StatusReply("g", "r", s, Map.of("x", 1L), "r"),
                new SyncDone("r", "time-1", true, 1, 1, Map.of("k", 1)),
                new CristianStart("r", n, n, 1), new CristianRequest("r", 1), new CristianReply("r", 1, 1, 1, 0),
                new BerkeleyStart("r", n, List.of(n), 1), new BerkeleyPoll("r", n, 1), new BerkeleyTime("r", 1, 1, 0),
                new BerkeleyAdjust("r", n, 1, 1),
                new AveragingStart("r", n, 1, 1, 1, 1, 1, 1, 0, 1, List.of(n)), new AveragingBroadcast("r", 0, 1, 1, Map.of("time-1", 1L)),
                new NtpStart("r", n, "client-server", 1, n, 1, List.of(n)),
                new NtpMessage("r", 3, 1, 1, 1, 1, "time-1", 1, 1, 1, 0));
        for (int i = 0; i < 20; i++) {
            for (Message m : samples) json.readValue(json.writeValueAsBytes(m), m.getClass());
        }
    }
}
