package dsys.verifier.logical;

import dsys.verifier.CheckResult;
import dsys.verifier.Seeds;
import dsys.verifier.gen.RandomJournals;
import dsys.verifier.journal.MessageEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class LogicalClockCheckerTest {

    @Test
    void clocksKeptByTheBookPassAndAnyBrokenTimestampIsCaught() {
        Seeds.forEach(200, seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            List<MessageEvent> journal = RandomJournals.generate(seed, 2 + rnd.nextInt(3), 1 + rnd.nextInt(12), 0.2);
            assertThat(LogicalClockChecker.check(journal).isValid()).as("by the book").isTrue();
            List<MessageEvent> receives = journal.stream().filter(e -> !e.isSend()).toList();
            if (receives.isEmpty()) return;
            MessageEvent r = receives.get(rnd.nextInt(receives.size()));
            MessageEvent send = journal.stream().filter(e -> e.isSend() && e.msgId().equals(r.msgId())).findFirst().orElseThrow();
            // A receive that forgot the max rule: it takes the sender's Lamport time, and drops the sender's vector.
            Map<String, Long> own = new HashMap<>();
            own.put(r.node(), r.vector().get(r.node()));
            MessageEvent broken = new MessageEvent(r.event(), r.node(), r.peer(), r.msgId(), r.type(), send.lamport(), own, r.time());
            List<MessageEvent> bad = new ArrayList<>(journal);
            bad.set(journal.indexOf(r), broken);
            CheckResult result = LogicalClockChecker.check(bad);
            assertThat(result.violations()).as("broken receive %s", broken).anyMatch(v -> v.contains("not above its send's"));
            if (send.vector().entrySet().stream().anyMatch(e -> !e.getKey().equals(r.node()) && e.getValue() > 0)) {
                assertThat(result.violations()).anyMatch(v -> v.contains("vector"));
            }
        });
    }

    @Test
    void receiveWithoutSendAndMismatchedPeers() {
        List<MessageEvent> journal = List.of(
                MessageEvent.receive("b", "a", "m1", "x", 1L, null, null),
                MessageEvent.send("a", "b", "m2", "x", 1L, null, null),
                MessageEvent.receive("c", "a", "m2", "x", 2L, null, null));
        assertThat(LogicalClockChecker.check(journal).violations()).containsExactly(
                "line 1 (receive m1 at b): receive of m1 without an earlier send",
                "line 3 (receive m2 at c): receive of m2 from a, but it was sent by a to b");
    }

    @Test
    void concurrentEventsWithOrderedVectorsAreCaught() {
        List<MessageEvent> journal = List.of(
                MessageEvent.send("a", "b", "m1", "x", 1L, Map.of("a", 1L), null),
                MessageEvent.send("b", "a", "m2", "x", 1L, Map.of("a", 1L, "b", 1L), null));
        assertThat(LogicalClockChecker.check(journal).violations())
                .singleElement().asString().contains("did not happen before line 2");
    }

    @Test
    void lamportTimesMustGrowAtEachNode() {
        List<MessageEvent> journal = List.of(
                MessageEvent.send("a", "b", "m1", "x", 3L, null, null),
                MessageEvent.send("a", "b", "m2", "x", 3L, null, null));
        assertThat(LogicalClockChecker.check(journal).violations()).singleElement().asString().contains("does not exceed");
    }
}
