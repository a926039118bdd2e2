package dsys.core.checkpoint.live;

import dsys.core.checkpoint.live.TokenSim.Tokens;
import dsys.core.checkpoint.live.Views.GlobalCheckpoint;
import dsys.core.env.Rejection;
import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.core.sim.SimRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coordinated checkpoints of any core, two-phase blocking, on a network that reorders, duplicates and loses: the
 * global checkpoint has no orphan gift, and while a node's sends are held back none of its gifts leaves (checked
 * after every step). A node that crashes before acknowledging, or a coordinator that crashes before deciding,
 * aborts the round: tentative checkpoints go and everyone sends again. Gifts in flight across the checkpoint are
 * not recorded (no channel state): restoring it loses them, and the tokens then add up with them named.
 */
class CoordinatedOfAnyCoreTest {

    private static TokenSim cluster(long seed) {
        TokenSim t = new TokenSim(seed, 3);
        t.sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(10)).duplicate(0.05).loss(0.05).reorder(0.3, Duration.ofMillis(15));
        watchBlocking(t);
        return t;
    }

    /** After every step: a node whose sends are held back has sent no gift since they were. */
    private static void watchBlocking(TokenSim t) {
        Map<NodeId, Long> sinceBlocked = new HashMap<>();
        Map<String, Long> gifts = new HashMap<>();
        int[] read = {0};
        t.sim.invariant("a blocked node sends no gift", () -> {
            var journal = t.sim.journal();
            for (; read[0] < journal.size(); read[0]++) {
                var e = journal.get(read[0]);
                if (e.event().equals("send") && e.type().equals("Gift")) gifts.merge(e.node(), 1L, Long::sum);
            }
            for (NodeId n : t.nodes) {
                if (!t.sim.isUp(n) || !t.core(n).sendingBlocked()) {
                    sinceBlocked.remove(n);
                    continue;
                }
                long sent = gifts.getOrDefault(n.value(), 0L);
                Long at = sinceBlocked.putIfAbsent(n, sent);
                if (at != null && at != sent) throw new AssertionError(n + " sent a gift while blocked");
            }
        });
    }

    @Test
    void aRoundIsAConsistentGlobalCheckpoint_andBlockedNodesSendNothing() {
        Seeds.run("coordinated rounds", 100, seed -> {
            Random rnd = new Random(seed);
            TokenSim t = cluster(seed);
            t.randomGifts(rnd, 80, 0, 600);
            for (int i = 0; i < 3; i++) {
                SimRequest r = t.take(Duration.ofMillis(Math.max(t.sim.now() / 1_000_000 + 1, 50 + 180 * i + rnd.nextInt(100))), "coordinated");
                Object o = t.await(r, Duration.ofSeconds(2));
                assertThat(o).as(() -> String.valueOf(o)).isInstanceOf(GlobalCheckpoint.class);
                GlobalCheckpoint g = (GlobalCheckpoint) o;
                assertThat(TokenSim.orphans(t.cut(g))).as(g.id()).isEmpty();
                assertThat(TokenSim.balances(t.cut(g)) + inFlight(t.cut(g))).as(g.id() + " balances + gifts in flight").isEqualTo(t.total());
            }
            t.sim.runFor(Duration.ofMillis(800));
            assertThat(t.sim.events()).filteredOn(e -> e.kind().equals("checkpoint.permanent")).hasSize(9);
            for (NodeId n : t.nodes) assertThat(t.core(n).sendingBlocked()).as(n + " blocked at the end").isFalse();
        });
    }

    @Test
    void aNodeCrashingBeforeItAcknowledgesAbortsTheRound() {
        Seeds.run("coordinated abort", 30, seed -> {
            Random rnd = new Random(seed);
            TokenSim t = cluster(seed);
            t.randomGifts(rnd, 40, 0, 400);
            NodeId victim = t.nodes.get(rnd.nextInt(3));
            t.sim.armCrashPoint(victim, CheckpointedCore.AFTER_TENTATIVE);
            t.sim.at(Duration.ofMillis(450), () -> t.sim.restart(victim)); // after the round's deadline (100 + 300 ms)
            Object o = t.await(t.take(Duration.ofMillis(100), "coordinated"), Duration.ofSeconds(2));
            assertThat(o).isInstanceOfSatisfying(Rejection.class, r -> {
                assertThat(r.type()).isEqualTo("checkpoint-aborted");
                assertThat(r.detail()).contains(victim.value());
            });
            t.sim.runFor(Duration.ofMillis(500));
            for (NodeId n : t.nodes) {
                assertThat(t.core(n).sendingBlocked()).as(n + " blocked").isFalse();
                assertThat(t.core(n).store.metas('c')).as(n + " tentative checkpoints left").isEmpty();
            }
            assertThat(t.sim.events()).anyMatch(e -> e.kind().equals("checkpoint.round-aborted"));
            Object next = t.await(t.take(Duration.ofMillis(t.sim.now() / 1_000_000 + 1), "coordinated"), Duration.ofSeconds(2));
            assertThat(next).as("the next round commits").isInstanceOf(GlobalCheckpoint.class);
            assertThat(((GlobalCheckpoint) next).id()).isEqualTo("coordinated-2");
        });
    }

    @Test
    void aCoordinatorCrashingBeforeItDecidesAbortsTheRoundWhenItIsBack() {
        TokenSim t = cluster(3);
        t.randomGifts(new Random(3), 30, 0, 300);
        t.sim.armCrashPoint(TokenSim.INITIATOR, CheckpointInitiator.AFTER_REQUEST_SENT);
        SimRequest r = t.take(Duration.ofMillis(100), "coordinated");
        t.sim.runFor(Duration.ofMillis(150));
        assertThat(r.crashed()).isTrue();
        assertThat(t.nodes).anyMatch(n -> t.core(n).sendingBlocked());
        t.sim.restart(TokenSim.INITIATOR);
        t.sim.runFor(Duration.ofMillis(300));
        for (NodeId n : t.nodes) {
            assertThat(t.core(n).sendingBlocked()).isFalse();
            assertThat(t.core(n).store.metas('c')).isEmpty();
        }
        assertThat(t.sim.events()).filteredOn(e -> e.kind().equals("checkpoint.round-aborted")).singleElement()
                .satisfies(e -> assertThat(e.fields().get("why")).asString().contains("restarted"));
    }

    /**
     * toy-1 acknowledges, crashes and is back before the round is decided, while toy-2 has not had the request yet:
     * toy-1 must hold its sends back again (its tentative checkpoint is on disk), or a gift it sends now could be
     * received by toy-2 before toy-2's checkpoint, an orphan in the global checkpoint.
     */
    @Test
    void aNodeBackFromACrashWithItsRoundUndecidedBlocksAgain() {
        TokenSim t = new TokenSim(9, 3);
        NodeId a = t.nodes.get(0), b = t.nodes.get(1);
        watchBlocking(t);
        t.sim.network().delay(Duration.ofMillis(5), Duration.ofMillis(5)).link(TokenSim.INITIATOR, b, 0, Duration.ofMillis(100));
        SimRequest round = t.take(Duration.ofMillis(100), "coordinated");
        t.sim.at(Duration.ofMillis(110), () -> t.sim.crash(a));
        t.sim.at(Duration.ofMillis(115), () -> t.sim.restart(a));
        t.give(Duration.ofMillis(120), a, b, 10);
        t.sim.runFor(Duration.ofMillis(130));
        assertThat(t.core(a).sendingBlocked()).as("toy-1 blocked again after its restart").isTrue();
        Object o = t.await(round, Duration.ofSeconds(1));
        assertThat(o).as(() -> String.valueOf(o)).isInstanceOf(GlobalCheckpoint.class);
        assertThat(TokenSim.orphans(t.cut((GlobalCheckpoint) o))).isEmpty();
    }

    /** Restoring: every node's state is its checkpoint's again; the gifts in flight at the checkpoint are gone. */
    @Test
    void restoringACoordinatedCheckpointLosesOnlyWhatWasInFlight() {
        Seeds.run("coordinated restore", 40, seed -> {
            Random rnd = new Random(seed);
            TokenSim t = cluster(seed);
            t.randomGifts(rnd, 40, 0, 300);
            GlobalCheckpoint g = (GlobalCheckpoint) t.await(t.take(Duration.ofMillis(100 + rnd.nextInt(100)), "coordinated"), Duration.ofSeconds(2));
            t.sim.runFor(Duration.ofMillis(400 - t.sim.now() / 1_000_000));
            Object r = t.await(t.restore(g.id()), Duration.ofSeconds(2));
            assertThat(r).as(() -> String.valueOf(r)).isInstanceOf(Views.RestoreOutcome.class);
            Map<String, Tokens> cut = t.cut(g);
            for (NodeId n : t.nodes) {
                assertThat(t.live(n)).as(n.value()).isEqualTo(cut.get(n.value()));
                assertThat(((Views.RestoreOutcome) r).nodes()).filteredOn(p -> p.node().equals(n.value())).singleElement()
                        .satisfies(p -> assertThat(p.digest()).isEqualTo(g.part(n.value()).digest()));
            }
            assertThat(TokenSim.balances(t.now()) + inFlight(cut)).isEqualTo(t.total());
        });
    }

    static long inFlight(Map<String, Tokens> cut) {
        long sum = 0;
        for (String p : cut.keySet()) for (String q : cut.keySet()) {
            if (!p.equals(q)) for (String id : TokenSim.inFlight(cut, p, q)) sum += TokenSim.amount(cut, p, id);
        }
        return sum;
    }

}
