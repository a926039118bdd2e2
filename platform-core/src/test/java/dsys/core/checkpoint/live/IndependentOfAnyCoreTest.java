package dsys.core.checkpoint.live;

import dsys.core.checkpoint.live.TokenSim.Tokens;
import dsys.core.checkpoint.live.Views.GlobalCheckpoint;
import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.core.sim.SimRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Independent checkpoints of any core: each node checkpoints on its own schedule, and the initiator's query (every
 * node checkpoints as it arrives) computes the recovery line from the dependencies the nodes recorded. Judged by
 * brute force over the checkpoints on the nodes' disks: the line has no orphan gift and no consistent set of
 * checkpoints is later. No duplication on this network: a duplicate is a delivered message, a dependency, that
 * changes no state, so the line would (rightly, for a core it knows nothing of) be earlier than the tokens need.
 */
class IndependentOfAnyCoreTest {

    @Test
    void theRecoveryLineIsTheLatestConsistentSetOfCheckpoints() {
        Seeds.run("recovery lines", 40, seed -> {
            Random rnd = new Random(seed);
            TokenSim t = new TokenSim(seed, 3, Duration.ofMillis(40), 100);
            t.sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(10)).loss(0.05).reorder(0.3, Duration.ofMillis(15));
            t.randomGifts(rnd, 60, 0, 400);
            GlobalCheckpoint g = (GlobalCheckpoint) t.await(t.take(Duration.ofMillis(150 + rnd.nextInt(250)), "independent"), Duration.ofSeconds(2));
            assertThat(g.restorable()).as(g.problems().toString()).isTrue();

            Map<String, List<Tokens>> taken = new TreeMap<>(); // each node's checkpoints by number, up to the query's
            for (NodeId n : t.nodes) {
                List<Tokens> all = new ArrayList<>();
                for (int i = 0; i <= g.latest().get(n.value()); i++) all.add(t.recorded(n, IntervalSide.local(i)));
                taken.put(n.value(), all);
            }
            assertThat(TokenSim.orphans(cut(taken, g.line()))).as(g.line() + " orphans").isEmpty();
            List<String> nodes = List.copyOf(taken.keySet());
            int[] at = new int[nodes.size()];
            do { // every combination: none consistent is later than the line
                Map<String, Integer> combo = new HashMap<>();
                boolean later = false, earlier = false;
                for (int i = 0; i < at.length; i++) {
                    combo.put(nodes.get(i), at[i]);
                    later |= at[i] > g.line().get(nodes.get(i));
                    earlier |= at[i] < g.line().get(nodes.get(i));
                }
                if (later && !earlier) assertThat(TokenSim.orphans(cut(taken, combo))).as(() -> combo + " is later than " + g.line()).isNotEmpty();
            } while (next(at, nodes, g.latest()));
        });
    }

    private static Map<String, Tokens> cut(Map<String, List<Tokens>> taken, Map<String, Integer> line) {
        Map<String, Tokens> cut = new TreeMap<>();
        line.forEach((n, i) -> cut.put(n, taken.get(n).get(i)));
        return cut;
    }

    private static boolean next(int[] at, List<String> nodes, Map<String, Integer> latest) {
        for (int i = 0; i < at.length; i++) {
            if (at[i] < latest.get(nodes.get(i))) {
                at[i]++;
                return true;
            }
            at[i] = 0;
        }
        return false;
    }

    /**
     * A zigzag of gifts between toy-1 and toy-2, each received just before the receiver's next checkpoint, and one
     * more crossing the query (toy-1 hears of it late): every checkpoint of both is rolled back, to their initial
     * states (the domino effect); toy-3, which no gift reached, keeps its latest. The line is restored too.
     */
    @Test
    void aZigzagDominoesBothNodesBackToTheirInitialStates() {
        TokenSim t = new TokenSim(5, 3);
        NodeId a = t.nodes.get(0), b = t.nodes.get(1), c = t.nodes.get(2);
        t.sim.network().delay(Duration.ofMillis(5), Duration.ofMillis(5)).link(TokenSim.INITIATOR, a, 0, Duration.ofMillis(40));
        t.give(ms(10), b, a, 1);
        now(t, 20, a);
        t.give(ms(30), a, b, 1);
        now(t, 40, b);
        t.give(ms(50), b, a, 1);
        now(t, 60, a);
        t.give(ms(70), a, b, 1);
        now(t, 80, b);
        SimRequest q = t.take(ms(100), "independent"); // b checkpoints at 105, a only at 145
        t.give(ms(110), b, a, 1);
        GlobalCheckpoint g = (GlobalCheckpoint) t.await(q, Duration.ofSeconds(1));

        assertThat(g.latest()).containsExactlyInAnyOrderEntriesOf(Map.of("toy-1", 3, "toy-2", 3, "toy-3", 1));
        assertThat(g.line()).containsExactlyInAnyOrderEntriesOf(Map.of("toy-1", 0, "toy-2", 0, "toy-3", 1));
        assertThat(t.sim.events()).filteredOn(e -> e.kind().equals("checkpoint.recovery-line")).singleElement()
                .satisfies(e -> assertThat(e.fields().get("backToBase")).asList().containsExactly("toy-1", "toy-2"));

        Object r = t.await(t.restore(g.id()), Duration.ofSeconds(1));
        assertThat(r).as(() -> String.valueOf(r)).isInstanceOf(Views.RestoreOutcome.class);
        for (NodeId n : List.of(a, b)) {
            Tokens now = t.live(n);
            assertThat(now.balance()).isEqualTo(TokenCore.OPENING);
            assertThat(now.sent()).isEmpty();
            assertThat(now.got()).isEmpty();
        }
        assertThat(TokenSim.balances(t.now())).isEqualTo(t.total());
    }

    /** Restoring a line: every node is its checkpoint on the line again; then a new history, whose lines start there. */
    @Test
    void restoringARecoveryLine_andTheNextLineStartsFromIt() {
        Seeds.run("recovery line restore", 30, seed -> {
            Random rnd = new Random(seed);
            TokenSim t = new TokenSim(seed, 3, Duration.ofMillis(40), 3);
            t.sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(10)).duplicate(0.05).reorder(0.3, Duration.ofMillis(15));
            t.randomGifts(rnd, 40, 0, 300);
            GlobalCheckpoint g = (GlobalCheckpoint) t.await(t.take(Duration.ofMillis(200), "independent"), Duration.ofSeconds(2));
            Map<String, Tokens> cut = t.cut(g);
            t.sim.runFor(Duration.ofMillis(350 - t.sim.now() / 1_000_000));
            Object r = t.await(t.restore(g.id()), Duration.ofSeconds(2));
            assertThat(r).as(() -> String.valueOf(r)).isInstanceOf(Views.RestoreOutcome.class);
            for (NodeId n : t.nodes) assertThat(t.live(n)).as(n.value()).isEqualTo(cut.get(n.value()));
            assertThat(TokenSim.balances(t.now()) + CoordinatedOfAnyCoreTest.inFlight(cut)).isEqualTo(t.total());

            int from = (int) (t.sim.now() / 1_000_000) + 1;
            Map<String, Integer> bases = new TreeMap<>();
            for (NodeId n : t.nodes) bases.put(n.value(), (int) t.core(n).store.numberOr("ibase", -1));
            t.randomGifts(rnd, 30, from, from + 200);
            GlobalCheckpoint next = (GlobalCheckpoint) t.await(t.take(Duration.ofMillis(from + 150), "independent"), Duration.ofSeconds(2));
            next.line().forEach((n, i) -> assertThat(i).as(n + " not before its base after the restore").isGreaterThanOrEqualTo(bases.get(n)));
            assertThat(TokenSim.orphans(t.cut(next))).isEmpty();
        });
    }

    private static void now(TokenSim t, int atMs, NodeId n) {
        t.sim.requestAt(ms(atMs), n, new Views.CheckpointNow());
    }

    private static Duration ms(int ms) {
        return Duration.ofMillis(ms);
    }
}
