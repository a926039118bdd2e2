package dsys.kv.quorum;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.message.Message;
import dsys.kv.quorum.QuorumMessages.Accept;
import dsys.kv.quorum.QuorumMessages.Accepted;
import dsys.kv.quorum.QuorumMessages.Chosen;
import dsys.kv.quorum.QuorumMessages.Commit;
import dsys.kv.quorum.QuorumMessages.DigestDiff;
import dsys.kv.quorum.QuorumMessages.DigestOffer;
import dsys.kv.quorum.QuorumMessages.EntrySummary;
import dsys.kv.quorum.QuorumMessages.Learn;
import dsys.kv.quorum.QuorumMessages.Prepare;
import dsys.kv.quorum.QuorumMessages.Promise;
import dsys.kv.quorum.QuorumMessages.Read;
import dsys.kv.quorum.QuorumMessages.ReadReply;
import dsys.kv.quorum.QuorumMessages.Want;
import dsys.platform.transport.DsysJacksonModule;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every message the quorum store sends between nodes survives the HTTP transport's JSON (class name + body), stamped or not. */
class MessageJsonTest {

    private final ObjectMapper json = new ObjectMapper().registerModule(new DsysJacksonModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES); // stricter than the transport

    @Test
    void roundTrips() throws Exception {
        Ballot b = new Ballot(1712, "kv-2");
        Versioned v = Versioned.ABSENT.next(new Ballot(1700, "kv-1"), "x", "kv-1:1:1").next(b, "y\n\u001f", "kv-2:3:4");
        Versioned tomb = v.next(new Ballot(1800, "kv-3"), null, "kv-3:1:9");
        Versioned locked = v.locked(new Versioned.Lock("txn-1-1-4", 'p', "z\u001e"), new Ballot(1801, "kv-1"), "kv-1:1:5");
        List<Message> all = List.of(new Prepare("kv-1:1:2", "k", b),
                new Promise("kv-1:1:2", "k", b, true, b, Ballot.ZERO, false, Versioned.ABSENT),
                new Promise("kv-1:1:2", "k", b, false, new Ballot(1900, "kv-3"), b, true, v),
                new Accept("kv-1:1:2", "k/é", b, tomb, new Ballot(1713, "kv-1")), new Accepted("kv-1:1:2", "k", b, true, b),
                new Commit("k", b), new Read("kv-1:1:3", "k"), new ReadReply("kv-1:1:3", "k", b, true, v),
                new DigestOffer(4, List.of(0L, -1L, Long.MAX_VALUE)),
                new DigestDiff(4, List.of(1, 7), List.of(1), List.of(new EntrySummary("k", b, false, true)), Ballot.ZERO),
                new Want(4, List.of("k", "l")), new Learn(4, List.of(new Chosen("k", b, v), new Chosen("t", b, tomb), new Chosen("l", b, locked))),
                new Accept("kv-1:1:6", "l", b, locked.locked(new Versioned.Lock("t2", 'd', null), b, "kv-1:1:6"), Ballot.ZERO));
        for (Message m : all) {
            String text = json.writeValueAsString(m);
            assertThat(text).doesNotContain("\"type\"").doesNotContain("\"zero\"");
            Object back = json.readValue(text, Class.forName(m.getClass().getName()));
            assertThat(back).as(text).isEqualTo(m);
            // as a checkpointed keyspace sends it (dsys.kv.checkpoint.keyspaces)
            dsys.core.checkpoint.live.Stamped stamped = new dsys.core.checkpoint.live.Stamped(1, 2, (1L << 32) + 3, 4, m);
            String wrapped = json.writeValueAsString(stamped);
            assertThat(json.readValue(wrapped, dsys.core.checkpoint.live.Stamped.class)).as(wrapped).isEqualTo(stamped);
        }
    }
}
