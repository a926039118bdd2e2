package dsys.core.checkpoint;

import dsys.core.checkpoint.CheckpointRequests.RestoreSnapshot;
import dsys.core.checkpoint.CheckpointRequests.SnapshotRestored;
import dsys.core.checkpoint.CheckpointRequests.StartSnapshot;
import dsys.core.checkpoint.ProcessState.Sent;
import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.core.sim.SimRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chandy–Lamport snapshots in the simulator, on a network that loses, duplicates and reorders (the FIFO channels
 * the algorithm needs are {@link BankProcess}'s), with transfers in flight the whole time and several snapshots by
 * different initiators at once. Each snapshot is judged by the {@link CutOracle} on its recorded process states,
 * and each channel state must be exactly the transfers in transit across that cut — sent by the recorded sender,
 * not received by the recorded receiver, amounts as the test's ledger has them — so that balances plus channel
 * money is all the money there is.
 */
class ChandyLamportSnapshotTest {

    private static BankSim cluster(long seed, int n) {
        BankSim b = new BankSim(seed, n);
        b.addBanks(env -> new ChandyLamportProcess(env, BankSim.OPENING, BankSim.TIMING));
        b.sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(10)).loss(0.05).duplicate(0.05).reorder(0.2, Duration.ofMillis(15));
        return b;
    }

    /**
     * P pays Q 10 while Q starts a snapshot: Q records 100 and sends its marker; P records 90 when the marker
     * reaches it; the 10 reaches Q after Q recorded and before P's marker, so it is the state of channel P->Q.
     */
    @Test
    void aTransferInFlightIsRecordedAsTheChannelState() {
        BankSim b = new BankSim(1, 2);
        b.addBanks(env -> new ChandyLamportProcess(env, BankSim.OPENING, BankSim.TIMING));
        b.sim.network().delay(Duration.ofMillis(10), Duration.ofMillis(10));
        NodeId p = b.banks.get(0), q = b.banks.get(1);
        b.sim.runFor(Duration.ofMillis(1));
        b.pay(p, q, 10);
        b.sim.runFor(Duration.ofMillis(1));
        SimRequest snap = b.sim.request(q, new StartSnapshot());
        assertThat(b.sim.runUntil(snap::done, Duration.ofSeconds(1))).isTrue();
        GlobalSnapshot g = (GlobalSnapshot) snap.result();
        assertThat(g.states().get("bank-1").balance()).isEqualTo(90);
        assertThat(g.states().get("bank-2").balance()).isEqualTo(100);
        assertThat(g.channel("bank-1", "bank-2")).extracting(Sent::id, Sent::amount).containsExactly(org.assertj.core.groups.Tuple.tuple("t1", 10L));
        assertThat(g.channel("bank-2", "bank-1")).isEmpty();
        judge(g, b);
        assertThat(b.sim.events()).extracting(e -> e.node() + " " + e.kind()).containsSubsequence(
                "bank-2 snapshot.start", "bank-2 snapshot.recorded", "bank-1 snapshot.marker", "bank-1 snapshot.recorded",
                "bank-1 snapshot.local-complete", "bank-2 snapshot.marker", "bank-2 snapshot.local-complete", "bank-2 snapshot.complete");
    }

    @Test
    void everySnapshotIsAConsistentCutWithItsMoneyInTransit_concurrentSnapshotsToo() {
        AtomicLong withChannelMoney = new AtomicLong(), snapshots = new AtomicLong();
        Seeds.run("Chandy-Lamport snapshots", 200, seed -> {
            Random rnd = new Random(seed);
            BankSim b = cluster(seed, 3 + rnd.nextInt(2));
            b.randomPayments(rnd, 60, 0, 600);
            List<SimRequest> started = new ArrayList<>();
            for (int i = 0; i < 3; i++) started.add(b.sim.requestAt(Duration.ofMillis(20 + rnd.nextInt(550)), b.banks.get(rnd.nextInt(b.banks.size())), new StartSnapshot()));
            int together = 50 + rnd.nextInt(500); // two initiators at the same instant
            started.add(b.sim.requestAt(Duration.ofMillis(together), b.banks.get(0), new StartSnapshot()));
            started.add(b.sim.requestAt(Duration.ofMillis(together), b.banks.get(1), new StartSnapshot()));

            assertThat(b.sim.runUntil(() -> started.stream().allMatch(SimRequest::done), Duration.ofSeconds(10)))
                    .as(() -> "every snapshot completes\n" + b.sim.trace(20)).isTrue();
            for (SimRequest r : started) {
                GlobalSnapshot g = (GlobalSnapshot) r.result();
                if (judge(g, b)) withChannelMoney.incrementAndGet();
                snapshots.incrementAndGet();
            }
            assertThat(started.stream().map(r -> ((GlobalSnapshot) r.result()).snapshot()).distinct()).hasSize(started.size());
        });
        if (snapshots.get() >= 250) { // the schedules really catch money in the channels
            assertThat(withChannelMoney.get()).as(() -> "snapshots with money in a channel state, of " + snapshots).isGreaterThan(snapshots.get() / 4);
        }
    }

    /** Asserts the snapshot; true when some channel state holds money. */
    static boolean judge(GlobalSnapshot g, BankSim b) {
        var cut = g.states();
        assertThat(cut.keySet()).as("a state per process").hasSize(b.banks.size());
        assertThat(CutOracle.problems(cut, b.ledger)).as(() -> "snapshot " + g.snapshot()).isEmpty();
        long money = 0;
        boolean inChannels = false;
        for (String p : cut.keySet()) {
            money += cut.get(p).balance();
            for (String q : cut.keySet()) {
                if (p.equals(q)) continue;
                List<Sent> channel = g.channel(p, q);
                assertThat(channel.stream().map(Sent::id).toList()).as(() -> "channel " + p + "->" + q + " of " + g.snapshot())
                        .isEqualTo(CutOracle.inTransit(cut, p, q));
                for (Sent s : channel) {
                    assertThat(s.amount()).as(s.id()).isEqualTo(b.ledger.amount(s.id()));
                    money += b.ledger.amount(s.id());
                    inChannels = true;
                }
            }
        }
        assertThat(money).as(() -> "balances + channel money in " + g.snapshot()).isEqualTo(b.ledger.total());
        return inChannels;
    }

    /**
     * Restoring a snapshot: every process takes its recorded state back and its recorded channel states are
     * delivered again; what came after the snapshot is undone everywhere, and the bank goes on from there.
     */
    @Test
    void restoringASnapshotReinjectsItsChannelStates() {
        Seeds.run("Chandy-Lamport restore", 100, seed -> {
            Random rnd = new Random(seed);
            BankSim b = cluster(seed, 3);
            b.randomPayments(rnd, 40, 0, 400);
            NodeId initiator = b.banks.get(rnd.nextInt(3));
            SimRequest snap = b.sim.requestAt(Duration.ofMillis(100 + rnd.nextInt(200)), initiator, new StartSnapshot());
            assertThat(b.sim.runUntil(() -> snap.done() && b.sim.now() > Duration.ofMillis(450).toNanos(), Duration.ofSeconds(5))).isTrue();
            GlobalSnapshot g = (GlobalSnapshot) snap.result();
            judge(g, b);

            SimRequest restore = b.sim.request(initiator, new RestoreSnapshot(g.snapshot()));
            assertThat(b.sim.runUntil(() -> restore.done() && b.quiescent(), Duration.ofSeconds(5))).as(b.sim.trace(20)).isTrue();
            assertThat(restore.result()).isInstanceOf(SnapshotRestored.class);
            for (NodeId n : b.banks) {
                ProcessState expected = BankSim.afterReplay(g.states(), n.value(), b.ledger);
                assertThat(BankSim.sameMoney(b.view(n).state(), expected, g.states().keySet()))
                        .as(() -> n + " after restoring " + g.snapshot() + ": " + b.view(n).state() + "\nexpected " + expected).isTrue();
            }

            // the bank goes on, and a new snapshot is consistent too
            int from = (int) (b.sim.now() / 1_000_000) + 1;
            b.randomPayments(rnd, 20, from, from + 200);
            SimRequest again = b.sim.requestAt(Duration.ofMillis(from + 50), b.banks.get(rnd.nextInt(3)), new StartSnapshot());
            assertThat(b.sim.runUntil(() -> again.done() && b.payments.stream().allMatch(SimRequest::finished) && b.quiescent(), Duration.ofSeconds(5))).isTrue();
            judge((GlobalSnapshot) again.result(), b);
            b.assertSettled();
        });
    }
}
