package dsys.lock.coordination;

import dsys.core.env.Rejection;
import dsys.core.sim.Seeds;
import dsys.lock.coordination.CoordinationRequests.RunElection;
import dsys.lock.coordination.CoordinationResults.ElectionResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /api/coordination/election at the core: the answer's leader, epoch and message counts. */
class ElectionRequestTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bully", "ring"})
    void reportedMessagesAreWhatTheNetworkCarried(String algorithm) {
        Seeds.run(algorithm + " request", 50, seed -> {
            int n = seed % 2 == 0 ? 3 : 5;
            CoordinationSim c = new CoordinationSim(seed, n, CoordinationSettings.simulated().withoutHeartbeats());
            c.sim.resetCounts();
            ElectionResult r = (ElectionResult) c.call(1, new RunElection(algorithm));
            c.sim.runFor(Duration.ofSeconds(1));

            assertThat(r.leader()).isEqualTo("lock-" + n);
            assertThat(r.epoch()).isPositive();
            assertThat(r.notCounted()).isEmpty();
            Map<String, Long> carried = new TreeMap<>(c.sim.messageCounts());
            carried.keySet().removeIf(t -> !t.startsWith(algorithm + "."));
            assertThat(r.messages().byType()).isEqualTo(carried);
            // ring, one initiator, all alive: 2n (notes) + 2n acks. Bully from a cold start depends on timing (the
            // highest wins at once and later ELECTIONs get re-announcements); MessageCountTest has its formulas.
            if (algorithm.equals("ring")) assertThat(r.messages().count()).isEqualTo(4L * n);
        });
    }

    @Test
    void heartbeatsAreNotCountedAsElectionMessages() {
        CoordinationSim c = new CoordinationSim(7, 3, CoordinationSettings.simulated());
        c.sim.runFor(Duration.ofSeconds(1)); // the detectors elect on their own
        ElectionResult r = (ElectionResult) c.call(2, new RunElection("bully"));
        assertThat(r.leader()).isEqualTo("lock-3");
        assertThat(r.messages().byType()).containsOnlyKeys("bully.election", "bully.ok", "bully.coordinator");
        assertThat(c.core(1).leaderView().byAlgorithm().get("ring").leader()).isEqualTo("lock-3");
    }

    @Test
    void unknownAlgorithmIsABadRequest() {
        CoordinationSim c = new CoordinationSim(1, 3, CoordinationSettings.simulated());
        Object r = c.call(1, new RunElection("paxos"));
        assertThat(r).isInstanceOf(Rejection.class);
        assertThat(((Rejection) r).status()).isEqualTo(400);
        assertThat(((Rejection) r).detail()).contains("bully", "ring", "paxos");
        assertThat(((Rejection) c.call(1, new RunElection(null))).status()).isEqualTo(400);
    }

    @Test
    void aPartitionedNodeAnswersWithATimeout() {
        CoordinationSim c = new CoordinationSim(3, 3, CoordinationSettings.simulated().withoutHeartbeats());
        c.sim.network().isolate(CoordinationSim.node(1));
        // alone, lock-1 elects itself after the answer timeout: a leader, but only 1 of 3 nodes counted
        ElectionResult r = (ElectionResult) c.call(1, new RunElection("bully"));
        assertThat(r.leader()).isEqualTo("lock-1");
        assertThat(r.notCounted()).containsExactly("lock-2", "lock-3");
    }
}
