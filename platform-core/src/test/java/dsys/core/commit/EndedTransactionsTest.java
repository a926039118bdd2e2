package dsys.core.commit;

import dsys.core.env.Durable;
import dsys.core.env.Env;
import dsys.core.env.ForwardingEnv;
import dsys.core.node.NodeId;
import dsys.core.sim.SimRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

import static dsys.core.commit.CommitCluster.COORDINATOR;
import static dsys.core.commit.CommitCluster.PARTICIPANTS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The coordinator's memory holds the transactions not yet ended and a bounded cache of ended ones; older outcomes come
 * from the log when asked for, and a start reads only the open transactions' records.
 */
class EndedTransactionsTest {

    private static final NodeId KV3 = PARTICIPANTS.get(2);

    /** The coordinator's Env, whose storage tells which prefixes were scanned. */
    private static final class Watched extends ForwardingEnv {
        private final List<String> scans;

        Watched(Env env, List<String> scans) {
            super(env);
            this.scans = scans;
        }

        @Override
        public Durable storage() {
            Durable d = env.storage();
            return new Durable() {
                public void put(String key, String value) { d.put(key, value); }
                public Optional<String> get(String key) { return d.get(key); }
                public void remove(String key) { d.remove(key); }
                public SortedMap<String, String> scan(String prefix) {
                    scans.add(prefix);
                    return d.scan(prefix);
                }
            };
        }
    }

    /** Transfers between acct-0 (kv-1) and acct-1 (kv-2), one every 300 ms; the even ones also read acct-3. */
    private static List<SimRequest> transfers(CommitCluster c, int count, List<CommitRequests.Begin> begun) {
        List<SimRequest> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            var ops = CommitCluster.transfer(0, 1, i == 1 ? 500 : 1); // the second has no money: vote-abort
            if (i % 2 == 0) ops.get("kv-1").add(TxnOp.get(CommitCluster.account(3)));
            CommitRequests.Begin b = new CommitRequests.Begin(CommitProtocol.TWO_PHASE, ops, "e" + i);
            begun.add(b);
            out.add(c.sim.requestAt(Duration.ofNanos(c.sim.now()).plusMillis(300L * i), COORDINATOR, b));
        }
        return out;
    }

    private static CommitRequests.Outcome outcome(SimRequest r) {
        return (CommitRequests.Outcome) r.result();
    }

    @Test
    void onlyTheMostRecentEndedStayInMemory_olderOnesAreReadFromTheLog() {
        CommitCluster c = new CommitCluster(41, CommitCluster.Settings.DEFAULT.endedInMemory(2));
        List<CommitRequests.Begin> begun = new ArrayList<>();
        List<SimRequest> first = transfers(c, 6, begun);
        c.sim.runFor(Duration.ofSeconds(3));
        assertThat(c.coordinator().openTransactions()).isZero();
        assertThat(c.coordinator().inMemory()).as("the cache's bound").isEqualTo(2);
        assertThat(outcome(first.get(0)).reads()).hasSize(1);
        assertThat(outcome(first.get(1)).committed()).isFalse();

        long voteRequests = c.sim.messageCounts().get("VoteRequest");
        for (int i = 0; i < 2; i++) { // the two oldest, long out of the cache
            SimRequest again = c.sim.request(COORDINATOR, begun.get(i));
            c.sim.runFor(Duration.ofMillis(10));
            assertThat(again.result()).as("e" + i + ": the first outcome, from the log").isEqualTo(first.get(i).result());
        }
        assertThat(c.sim.messageCounts().get("VoteRequest")).as("nothing began again").isEqualTo(voteRequests);
        assertThat(c.coordinator().inMemory()).isEqualTo(2);

        SimRequest view = c.sim.request(COORDINATOR, new CommitRequests.Inspect("key-e2"));
        c.sim.runFor(Duration.ofSeconds(1));
        CommitCoordinator.View v = (CommitCoordinator.View) view.result();
        assertThat(v.state()).isEqualTo(TxnState.COMMIT);
        assertThat(v.acknowledged()).containsExactly("kv-1", "kv-2");
        assertThat(v.log()).anySatisfy(l -> assertThat(l).startsWith("commit.c-ended.key-e2"));
        assertThat(c.coordinator().state("key-e1")).isEqualTo(TxnState.ABORT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"process", "recover"})
    void aStartReadsOnlyTheOpenTransactions(String how) {
        List<String> scans = new ArrayList<>();
        CommitCluster c = new CommitCluster(42, CommitCluster.Settings.DEFAULT.coordinatorEnv(env -> new Watched(env, scans)));
        List<CommitRequests.Begin> begun = new ArrayList<>();
        List<SimRequest> ended = transfers(c, 4, begun);
        c.sim.runFor(Duration.ofSeconds(2));
        // One more, at kv-3, which logs the decision and dies before it acknowledges: decided, not ended.
        c.sim.armCrashPoint(KV3, CommitParticipant.AFTER_DECISION_LOGGED);
        c.sim.request(COORDINATOR, new CommitRequests.Begin(CommitProtocol.TWO_PHASE, CommitCluster.transfer(2, 5, 1), "open"));
        c.sim.runFor(Duration.ofSeconds(1));
        assertThat(c.coordinator().openTransactions()).isEqualTo(1);

        c.sim.crash(COORDINATOR);
        scans.clear();
        if (how.equals("process")) c.sim.restartProcess(COORDINATOR);
        else c.sim.restart(COORDINATOR);
        assertThat(scans).as("what the start read").containsExactly("commit.c-open.");
        assertThat(c.coordinator().inMemory()).as("the open one only").isEqualTo(1);

        c.sim.restart(KV3);
        c.sim.runFor(Duration.ofSeconds(1));
        assertThat(c.coordinator().openTransactions()).as("kv-3 acknowledged: ended").isZero();
        for (int i = 0; i < 4; i++) {
            SimRequest again = c.sim.request(COORDINATOR, begun.get(i));
            c.sim.runFor(Duration.ofMillis(10));
            assertThat(again.result()).isEqualTo(ended.get(i).result());
        }
    }

    @Test
    void aLogWrittenBeforeTheOpenMarks_isMarkedOnce() {
        List<String> scans = new ArrayList<>();
        CommitCluster c = new CommitCluster(43, CommitCluster.Settings.DEFAULT.coordinatorEnv(env -> new Watched(env, scans)));
        transfers(c, 2, new ArrayList<>());
        c.sim.runFor(Duration.ofSeconds(1));
        c.sim.armCrashPoint(KV3, CommitParticipant.AFTER_DECISION_LOGGED);
        c.sim.request(COORDINATOR, new CommitRequests.Begin(CommitProtocol.TWO_PHASE, CommitCluster.transfer(2, 5, 1), "open"));
        c.sim.runFor(Duration.ofSeconds(1));
        c.sim.crash(COORDINATOR);
        Durable disk = c.sim.storage(COORDINATOR);
        disk.remove("commit.c-open-marked");
        for (String k : disk.scan("commit.c-open.").keySet()) disk.remove(k);

        scans.clear();
        c.sim.restartProcess(COORDINATOR);
        assertThat(scans).as("the one start that reads the whole log").containsExactly("commit.c.", "commit.c-open.");
        assertThat(c.coordinator().openTransactions()).isEqualTo(1);
        assertThat(c.coordinator().state("key-open")).isEqualTo(TxnState.COMMIT);

        c.sim.crash(COORDINATOR);
        scans.clear();
        c.sim.restartProcess(COORDINATOR);
        assertThat(scans).containsExactly("commit.c-open.");
        assertThat(c.coordinator().openTransactions()).isEqualTo(1);
    }
}
