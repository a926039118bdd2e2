package dsys.kv.chain;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.env.Rejection;
import dsys.core.message.Message;
import dsys.kv.chain.ChainMessages.*;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.KeyPage;
import dsys.kv.quorum.Versioned;
import dsys.platform.transport.DsysJacksonModule;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every message the chain mode sends between nodes survives the HTTP transport's JSON (class name + body). */
class ChainMessageJsonTest {

    private final ObjectMapper json = new ObjectMapper().registerModule(new DsysJacksonModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Test
    void roundTrips() throws Exception {
        Ballot b = new Ballot(1712, "kv-2");
        Versioned v = Versioned.ABSENT.next(b, "x\u001f", "kv-1:1:1");
        Versioned refused = v.locked(null, b, "kv-3:1:2" + HeadWrites.REFUSED);
        View view = new View(3, List.of("kv-1", "kv-3"));
        Entry e = new Entry("k/é", 7, v);
        List<Message> all = List.of(new Update(3, 6, 7, true, 5, 6, List.of(e, new Entry("t", 8, refused))),
                new UpdateAck(3, 7, 7, 6, true, false), new WriteForward("kv-1:1:3", 2, "k", "v", false, b, true),
                new WriteForward("kv-1:1:4", 1, "k", null, true, null, false), new ReadForward("kv-1:1:5", "k"),
                new ListForward("kv-1:1:6", "p/", null, 10), new WriteDone("kv-1:1:3", "k", b, false),
                new ReadDone("kv-1:1:5", "k", null, Ballot.ZERO),
                new ListDone("kv-1:1:6", List.of(new KeyPage.Key("p/1", b, 3)), "p/1"),
                new Refused("kv-1:1:3", Rejection.badRequest("no")), new Redirect("kv-1:1:5", view),
                new Beat(view, 4), new Grant(3, 4), new Prepare(4, b),
                new Promise(4, b, b, view, 3, "kv-3", 1_000_000, -1, 12), new Promise(4, b, Ballot.ZERO, null, -1, "?", 0, 3, 0),
                new MoveRequest(3),
                new Nack(4, b, b, view), new Accept(4, b, view), new Accepted(4, b), new Decide(view),
                new JoinRequest(3), new CopyRequest(3, null), new CopyPage(3, "a", 7, List.of(e), null),
                new Inspect("kv-1:survey:1", "k"), new InspectReply("kv-1:survey:1", "k", b, true, v));
        for (Message m : all) {
            String text = json.writeValueAsString(m);
            Object back = json.readValue(text, Class.forName(m.getClass().getName()));
            assertThat(back).as(text).isEqualTo(m);
        }
    }
}
