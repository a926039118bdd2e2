package dsys.kv.eventual;

import dsys.core.env.Rejection;
import dsys.core.sim.SimRequest;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.KvRequests;
import dsys.kv.quorum.QuorumSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a replica that lacks what a session needs does: it waits (the deadline, 500 ms here) and serves the request
 * as soon as the update arrives, or answers 503 session-guarantee-unavailable naming the guarantee and the version;
 * a node without a replica refuses what needs a version and forwards what needs none.
 */
class SessionWaitTest {

    static final Set<Guarantee> RYW = EnumSet.of(Guarantee.READ_YOUR_WRITES);

    private static EventualSim settled(int others) {
        EventualSim s = new EventualSim(7, 3, others, QuorumSettings.sim());
        s.sim.runFor(Duration.ofMillis(10));
        s.written(s.put(s.node(1), "k", "old"));
        s.sim.runFor(Duration.ofSeconds(1));
        return s;
    }

    @Test
    void aReplicaWaitsForTheSessionsWriteAndServesItOnArrival() {
        EventualSim s = settled(0);
        s.sim.network().isolate(s.node(2));
        KvReplies.Written w = s.written(s.put(s.node(1), "k", "new"));
        Session session = new Session().sawWrite(EventualSim.KEYSPACE, "k", w.version());
        SimRequest read = s.sim.request(s.node(2), session.request(EventualSim.KEYSPACE, new KvRequests.Get("k", null), RYW));
        s.sim.runFor(Duration.ofMillis(200));
        assertThat(read.done()).as("kv-2 is cut off: it waits").isFalse();
        s.sim.network().heal();
        KvReplies.Value v = s.value(read);
        assertThat(v.value()).isEqualTo("new");
        assertThat(v.version()).isEqualTo(w.version());
        assertThat(read.completedAt() - read.invokedAt()).as("answered before the deadline")
                .isLessThan(Duration.ofMillis(500).toNanos());
        assertThat(s.value(s.get(s.node(3), "k")).value()).as("a plain read elsewhere is served at once").isEqualTo("new");
    }

    @Test
    void aReplicaThatStaysBehindAnswers503NamingTheGuaranteeAndVersion() {
        EventualSim s = settled(0);
        s.sim.network().isolate(s.node(2));
        KvReplies.Written w = s.written(s.put(s.node(1), "k", "new"));
        Session session = new Session().sawWrite(EventualSim.KEYSPACE, "k", w.version());
        SimRequest read = s.sim.request(s.node(2), session.request(EventualSim.KEYSPACE, new KvRequests.Get("k", null), RYW));
        Rejection r = (Rejection) s.await(read);
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.type()).isEqualTo("session-guarantee-unavailable");
        assertThat(r.detail()).contains("read-your-writes", w.version().toString(), "kv-2");
        assertThat(read.completedAt() - read.invokedAt()).isGreaterThanOrEqualTo(Duration.ofMillis(500).toNanos());
        assertThat(s.value(s.get(s.node(2), "k")).value()).as("without the guarantee: the stale value").isEqualTo("old");
    }

    @Test
    void aNodeWithoutAReplicaRefusesWhatNeedsAVersionAndForwardsTheRest() {
        EventualSim s = settled(1);
        Session session = new Session().sawWrite(EventualSim.KEYSPACE, "k", new Ballot(1, "kv-1"));
        Object needs = s.await(s.sim.request(s.node(4), session.request(EventualSim.KEYSPACE, new KvRequests.Get("k", null), RYW)));
        assertThat(((Rejection) needs).detail()).contains("no replica");
        Object none = s.await(s.sim.request(s.node(4), new Session().request(EventualSim.KEYSPACE, new KvRequests.Get("k", null), RYW)));
        assertThat(((KvReplies.Value) none).value()).isEqualTo("old");
    }

    @Test
    void aSessionKeepsItsNewestKeys() {
        Session session = new Session();
        for (int i = 1; i <= Session.MAX_KEYS + 8; i++) session.sawWrite("ev", "k" + i, new Ballot(i, "kv-1"));
        assertThat(session.entries()).hasSize(Session.MAX_KEYS);
        assertThat(session.written("ev", "k1")).isEqualTo(Ballot.ZERO);
        assertThat(session.written("ev", "k" + (Session.MAX_KEYS + 8))).isEqualTo(new Ballot(Session.MAX_KEYS + 8, "kv-1"));
        session.sawRead("ev", "k40", new Ballot(50, "kv-2"));
        assertThat(session.read("ev", "k40")).isEqualTo(new Ballot(50, "kv-2"));
        assertThat(session.written("ev", "k40")).isEqualTo(new Ballot(40, "kv-1"));
    }
}
