package dsys.kv.eventual;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.clock.LamportStamp;
import dsys.core.env.Rejection;
import dsys.core.epidemic.EpidemicMessages;
import dsys.core.epidemic.Exchange;
import dsys.core.epidemic.Update;
import dsys.core.message.Message;
import dsys.kv.mode.Forwarding.ForwardGet;
import dsys.kv.mode.Forwarding.ForwardList;
import dsys.kv.mode.Forwarding.ForwardWrite;
import dsys.kv.mode.Forwarding.Forwarded;
import dsys.kv.mode.StateSurvey.Peek;
import dsys.kv.mode.StateSurvey.PeekReply;
import dsys.kv.quorum.AcceptorState;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.KeyPage;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.Versioned;
import dsys.platform.transport.DsysJacksonModule;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every message of an eventual keyspace (the epidemic's and the forwarding's) survives the HTTP transport's JSON. */
class MessageJsonTest {

    private final ObjectMapper json = new ObjectMapper().registerModule(new DsysJacksonModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Test
    void roundTrips() throws Exception {
        LamportStamp t = new LamportStamp(17, "kv-2");
        Update value = new Update("k/é", t, "v\u001f\n"), death = Update.deathCertificate("d", new LamportStamp(18, "kv-1"));
        Ballot b = new Ballot(17, "kv-2");
        Versioned v = new Versioned(b, "x", List.of());
        List<Message> all = List.of(new EpidemicMessages.Rumor(List.of(value, death)),
                new EpidemicMessages.RumorFeedback(Map.of("k", t)),
                new EpidemicMessages.Digest(3, Exchange.PUSH_PULL, "", null, Map.of("k", t, "d", death.version())),
                new EpidemicMessages.DigestReply(3, List.of(death), List.of("k"), true),
                new EpidemicMessages.Updates(3, List.of(value)),
                new ForwardGet("kv-4:fwd:1", "k"), new ForwardWrite("kv-4:fwd:2", "k", "v", false, Ballot.ZERO),
                new ForwardWrite("kv-4:fwd:3", "k", null, true, null), new ForwardList("kv-4:fwd:4", "p/", null, 10),
                new Forwarded("op", new KvReplies.Value("k", "x", b, "one", Map.of()), null, null, null),
                new Forwarded("op", null, new KvReplies.Written("k", b, true, Map.of()), null, null),
                new Forwarded("op", null, null, new KeyPage(List.of(new KeyPage.Key("k", b, 1)), "k", Map.of()), null),
                new Forwarded("op", null, null, null, Rejection.badRequest("no")),
                new Peek("kv-1:peek:1", "k"), new PeekReply("kv-1:peek:1", "k", new AcceptorState(b, b, true, v)));
        for (Message m : all) {
            String text = json.writeValueAsString(m);
            assertThat(json.readValue(text, Class.forName(m.getClass().getName()))).as(text).isEqualTo(m);
        }
    }
}
