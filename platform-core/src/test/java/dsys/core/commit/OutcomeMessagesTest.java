package dsys.core.commit;

import dsys.core.sim.JournalEntry;
import dsys.core.sim.Seeds;
import dsys.core.sim.SimRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static dsys.core.commit.CommitCluster.COORDINATOR;
import static dsys.core.commit.CommitCluster.PARTICIPANTS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An outcome's {@code messages}: the coordinator's protocol messages for the transaction up to its decision. Without
 * faults they are the notes' cost (2PC: n vote-requests + n votes; 3PC adds n PRECOMMITs + n acknowledgements); under
 * loss and duplication they are what the simulator's journal shows the coordinator sent and received before it
 * decided, retransmissions and duplicates included.
 */
class OutcomeMessagesTest {

    /** A put at each of the first {@code n} participants. */
    private static Map<String, List<TxnOp>> puts(int n) {
        Map<String, List<TxnOp>> ops = new HashMap<>();
        for (int i = 0; i < n; i++) ops.put(PARTICIPANTS.get(i).value(), List.of(TxnOp.put("k" + i, "v")));
        return ops;
    }

    @ParameterizedTest(name = "{0}, {1} participants")
    @CsvSource({"2pc, 1", "2pc, 2", "2pc, 3", "3pc, 1", "3pc, 2", "3pc, 3"})
    void withoutFaults_theNotesCount(String protocol, int n) {
        CommitCluster c = new CommitCluster(21);
        SimRequest r = c.sim.request(COORDINATOR, new CommitRequests.Begin(CommitProtocol.parse(protocol), puts(n), "m"));
        c.sim.runFor(Duration.ofSeconds(1));
        CommitRequests.Outcome o = (CommitRequests.Outcome) r.result();
        assertThat(o.committed()).isTrue();
        Map<String, Long> expected = protocol.equals("2pc")
                ? Map.of("vote-request", (long) n, "vote-commit", (long) n)
                : Map.of("vote-request", (long) n, "vote-commit", (long) n, "precommit", (long) n, "precommit-ack", (long) n);
        assertThat(o.messages().byType()).isEqualTo(expected);
        assertThat(o.messages().count()).isEqualTo(protocol.equals("2pc") ? 2L * n : 4L * n);
    }

    private static final Set<String> VIEWS = Set.of("ViewRequest", "ViewReply");

    @ParameterizedTest(name = "{0}")
    @CsvSource({"2pc", "3pc"})
    void underLossAndDuplication_whatTheJournalShowsBeforeTheDecision(String protocol) {
        AtomicLong retransmitted = new AtomicLong(), duplicated = new AtomicLong();
        Seeds.run(protocol + " messages under loss", 200, seed -> {
            CommitCluster c = new CommitCluster(seed);
            c.sim.network().loss(0.2).duplicate(0.1);
            AtomicInteger atDecision = new AtomicInteger(-1);
            c.sim.addSink(e -> {
                if (e.kind().equals("txn.decision") && e.node().equals(COORDINATOR.value())) atDecision.set(c.sim.journal().size());
            });
            SimRequest r = c.sim.request(COORDINATOR, new CommitRequests.Begin(CommitProtocol.parse(protocol), puts(3), "m"));
            c.sim.runFor(Duration.ofSeconds(2));
            CommitRequests.Outcome o = (CommitRequests.Outcome) r.result();
            List<JournalEntry> before = c.sim.journal().subList(0, atDecision.get()).stream()
                    .filter(j -> j.node().equals(COORDINATOR.value()) && !VIEWS.contains(j.type())).toList();
            assertThat(o.messages().count()).as("every send and receive of the coordinator before its decision " + o.messages())
                    .isEqualTo(before.size());
            assertThat(o.messages().byType().getOrDefault("vote-request", 0L)).as("vote-requests, retransmissions too")
                    .isEqualTo(before.stream().filter(j -> j.event().equals("send") && j.type().equals("VoteRequest")).count());
            long votes = o.messages().byType().getOrDefault("vote-commit", 0L) + o.messages().byType().getOrDefault("vote-abort", 0L);
            assertThat(votes).isEqualTo(before.stream().filter(j -> j.event().equals("receive") && j.type().equals("Vote")).count());
            if (o.messages().byType().getOrDefault("vote-request", 0L) > 3) retransmitted.incrementAndGet();
            if (votes > o.messages().byType().getOrDefault("vote-request", 0L)) duplicated.incrementAndGet();
        });
        assertThat(retransmitted.get()).as("runs with a vote-request sent again").isPositive();
        assertThat(duplicated.get()).as("runs with more votes received than vote-requests sent").isPositive();
    }
}
