package dsys.core.checkpoint;

import dsys.core.sim.Seeds;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recovery line as a pure function, against an oracle that knows nothing of intervals: random executions (each
 * process's sequence of checkpoints, sends and receipts), a cut is a choice of one checkpoint per process, and a
 * message is an orphan of the cut when its receipt comes before the receiver's chosen checkpoint and its sending
 * after the sender's. Brute force over every cut finds the consistent ones; the line must be one of them and every
 * other must lie below it (the latest consistent one).
 */
class CheckpointRecoveryLineTest {

    /** One execution: per process its events in order; a checkpoint's position is where it was taken. */
    static final class History {
        record Msg(int id, String from, int sendPos, String to, int recvPos) {
        }

        final TreeMap<String, List<String>> events = new TreeMap<>();
        final TreeMap<String, List<Integer>> checkpoints = new TreeMap<>(); // positions; index 0 = initial, at -1
        final List<Msg> messages = new ArrayList<>();
        private final Map<Integer, int[]> inFlight = new TreeMap<>();
        private final Map<Integer, String[]> ends = new TreeMap<>();
        private int next;

        History(int n) {
            for (int i = 1; i <= n; i++) {
                events.put("p" + i, new ArrayList<>());
                checkpoints.put("p" + i, new ArrayList<>(List.of(-1)));
            }
        }

        History checkpoint(String p) {
            checkpoints.get(p).add(events.get(p).size());
            events.get(p).add("checkpoint");
            return this;
        }

        int send(String from, String to) {
            int id = ++next;
            inFlight.put(id, new int[]{events.get(from).size()});
            ends.put(id, new String[]{from, to});
            events.get(from).add("send m" + id);
            return id;
        }

        History receive(int id) {
            String[] e = ends.get(id);
            int sendPos = inFlight.remove(id)[0];
            messages.add(new Msg(id, e[0], sendPos, e[1], events.get(e[1]).size()));
            events.get(e[1]).add("receive m" + id);
            return this;
        }

        /** Sent and received right away. */
        History message(String from, String to) {
            return receive(send(from, to));
        }

        List<Integer> pending() {
            return new ArrayList<>(inFlight.keySet());
        }

        String to(int id) {
            return ends.get(id)[1];
        }

        /** The input the algorithm sees: each process's latest checkpoint, and the dependency record. */
        Map<String, Integer> latest() {
            TreeMap<String, Integer> l = new TreeMap<>();
            checkpoints.forEach((p, cps) -> l.put(p, cps.size() - 1));
            return l;
        }

        List<Dependency> dependencies() {
            return messages.stream().map(m -> new Dependency(m.from(), interval(m.from(), m.sendPos()), m.to(), interval(m.to(), m.recvPos()))).toList();
        }

        /** The number of the latest checkpoint of {@code p} before position {@code pos}. */
        private int interval(String p, int pos) {
            List<Integer> cps = checkpoints.get(p);
            int k = 0;
            while (k + 1 < cps.size() && cps.get(k + 1) < pos) k++;
            return k;
        }

        /** The oracle: by positions only. */
        List<Msg> orphans(Map<String, Integer> cut) {
            return messages.stream().filter(m -> m.recvPos() < checkpoints.get(m.to()).get(cut.get(m.to()))
                    && m.sendPos() > checkpoints.get(m.from()).get(cut.get(m.from()))).toList();
        }

        List<Map<String, Integer>> allCuts() {
            List<Map<String, Integer>> cuts = new ArrayList<>();
            cuts.add(new TreeMap<>());
            for (var e : checkpoints.entrySet()) {
                List<Map<String, Integer>> more = new ArrayList<>();
                for (Map<String, Integer> c : cuts) {
                    for (int k = 0; k < e.getValue().size(); k++) {
                        TreeMap<String, Integer> d = new TreeMap<>(c);
                        d.put(e.getKey(), k);
                        more.add(d);
                    }
                }
                cuts = more;
            }
            return cuts;
        }

        static History random(Random rnd, int n, int steps) {
            History h = new History(n);
            List<String> ps = new ArrayList<>(h.events.keySet());
            for (int s = 0; s < steps; s++) {
                String p = ps.get(rnd.nextInt(n));
                int r = rnd.nextInt(100);
                List<Integer> mine = h.pending().stream().filter(id -> h.to(id).equals(p)).toList();
                if (r < 25) h.checkpoint(p);
                else if (r < 60 || mine.isEmpty()) h.send(p, ps.get((ps.indexOf(p) + 1 + rnd.nextInt(n - 1)) % n));
                else h.receive(mine.get(rnd.nextInt(mine.size())));
            }
            return h;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            events.forEach((p, ev) -> b.append(p).append(": ").append(ev).append('\n'));
            return b.toString();
        }
    }

    @Test
    void theLineIsTheLatestConsistentSetOfCheckpoints_onRandomExecutions() {
        int[] propagated = {0, 0, 0};
        Seeds.run("recovery line on random executions", 500, seed -> {
            Random rnd = new Random(seed);
            History h = History.random(rnd, 2 + rnd.nextInt(3), 6 + rnd.nextInt(30));
            SortedMap<String, Integer> line = RecoveryLine.compute(h.latest(), h.dependencies());

            assertThat(h.orphans(line)).as(() -> "orphan messages of the line " + line + " in\n" + h).isEmpty();
            for (Map<String, Integer> cut : h.allCuts()) {
                if (!h.orphans(cut).isEmpty()) continue;
                for (String p : cut.keySet()) {
                    assertThat(cut.get(p)).as(() -> "consistent cut " + cut + " is later than the line " + line + " at " + p + " in\n" + h)
                            .isLessThanOrEqualTo(line.get(p));
                }
            }
            propagated[2]++;
            if (!line.equals(h.latest())) propagated[0]++;
            if (line.values().stream().allMatch(k -> k == 0) && h.latest().values().stream().anyMatch(k -> k > 0)) propagated[1]++;
        });
        if (propagated[2] >= 50) { // the schedules really exercise rollback propagation
            assertThat(propagated[0]).as("executions where the line is not the latest checkpoints").isGreaterThan(propagated[2] / 10);
            assertThat(propagated[1]).as("executions rolled back to the initial state").isGreaterThan(propagated[2] / 100);
        }
    }

    /**
     * The domino effect: each process checkpoints right after a receipt of a message the other sent after its own
     * latest checkpoint. Every pair of latest checkpoints then has an orphan, and each rollback orphans the message
     * before, back to the start.
     */
    @Test
    void zigzagCheckpointsRollEveryoneBackToTheInitialState() {
        History h = new History(2);
        h.message("p2", "p1").checkpoint("p1");
        for (int i = 0; i < 3; i++) {
            h.message("p1", "p2").checkpoint("p2");
            h.message("p2", "p1").checkpoint("p1");
        }
        assertThat(h.latest()).isEqualTo(Map.of("p1", 4, "p2", 3));
        SortedMap<String, Integer> line = RecoveryLine.compute(h.latest(), h.dependencies());
        assertThat(line).as(() -> "domino effect\n" + h).isEqualTo(Map.of("p1", 0, "p2", 0));
        assertThat(h.orphans(line)).isEmpty();
        assertThat(h.orphans(h.latest())).isNotEmpty();
    }

    /** The same ping-pong, each checkpoint taken right after a send instead: the latest checkpoints are consistent. */
    @Test
    void checkpointsAfterSendsNeedNoRollback() {
        History h = new History(2);
        for (int i = 0; i < 4; i++) {
            h.message("p2", "p1");
            h.checkpoint("p2");
            h.message("p1", "p2");
            h.checkpoint("p1");
        }
        assertThat(RecoveryLine.compute(h.latest(), h.dependencies())).isEqualTo(h.latest());
    }

    @Test
    void messagesStillInTransitOrphanNothing() {
        History h = new History(2);
        h.checkpoint("p1").checkpoint("p2");
        int m = h.send("p1", "p2");
        h.checkpoint("p1").checkpoint("p2").receive(m); // received after p2's latest checkpoint: in transit for the cut
        assertThat(RecoveryLine.compute(h.latest(), h.dependencies())).isEqualTo(Map.of("p1", 2, "p2", 2));
    }
}
