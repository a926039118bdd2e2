package dsys.verifier.consistency;

import dsys.verifier.Seeds;
import dsys.verifier.Verdict;
import dsys.verifier.gen.RandomHistories;
import dsys.verifier.history.Call;
import dsys.verifier.history.History;
import dsys.verifier.history.Op;
import dsys.verifier.history.OpType;
import dsys.verifier.linear.LinearizabilityChecker;
import dsys.verifier.linear.RegisterModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import static dsys.verifier.consistency.ConsistencyModel.CAUSAL;
import static dsys.verifier.consistency.ConsistencyModel.LINEARIZABLE;
import static dsys.verifier.consistency.ConsistencyModel.MONOTONIC_READS;
import static dsys.verifier.consistency.ConsistencyModel.MONOTONIC_WRITES;
import static dsys.verifier.consistency.ConsistencyModel.PRAM;
import static dsys.verifier.consistency.ConsistencyModel.READ_YOUR_WRITES;
import static dsys.verifier.consistency.ConsistencyModel.SEQUENTIAL;
import static dsys.verifier.consistency.ConsistencyModel.STRICT;
import static dsys.verifier.consistency.ConsistencyModel.WRITES_FOLLOW_READS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random small register histories, with reads returning arbitrary written values: the
 * verdicts must respect the known hierarchy, the classifier's linearizability must match the
 * WGL checker's, and its sequential consistency must match a brute-force permutation check.
 */
class RandomizedClassifierTest {

    @Test
    void verdictsRespectTheHierarchyAndMatchIndependentCheckers() {
        Map<ConsistencyModel, int[]> seen = new EnumMap<>(ConsistencyModel.class);
        for (ConsistencyModel m : ConsistencyModel.values()) seen.put(m, new int[2]);
        Seeds.forEach(1500, seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            History h = seed % 4 == 0 ? RandomHistories.register(seed, 4 + rnd.nextInt(8), 2, 3, 0.1) : arbitrary(rnd);
            Classification c = ConsistencyClassifier.classify(h);
            Supplier<String> why = () -> c + "\n" + h.ops();
            c.holds().forEach((m, ok) -> seen.get(m)[ok ? 1 : 0]++);
            implies(c, STRICT, LINEARIZABLE, why);
            implies(c, LINEARIZABLE, SEQUENTIAL, why);
            implies(c, SEQUENTIAL, CAUSAL, why);
            implies(c, CAUSAL, PRAM, why);
            implies(c, CAUSAL, WRITES_FOLLOW_READS, why);
            implies(c, PRAM, MONOTONIC_WRITES, why);
            implies(c, PRAM, READ_YOUR_WRITES, why);
            implies(c, MONOTONIC_WRITES, MONOTONIC_READS, why);
            Verdict wgl = new LinearizabilityChecker(RegisterModel.register()).check(h).verdict();
            assertThat(c.satisfies(LINEARIZABLE)).as(() -> "classifier vs WGL\n" + why.get()).isEqualTo(wgl == Verdict.VALID);
            if (h.calls().size() <= 8) {
                assertThat(c.satisfies(SEQUENTIAL)).as(() -> "classifier vs permutations\n" + why.get()).isEqualTo(sequentialByPermutation(h));
            }
        });
        if (Seeds.fullRun()) {
            seen.forEach((m, counts) -> assertThat(counts).as("%s seen both holding and failing", m.id()).doesNotContain(0));
        }
    }

    private static void implies(Classification c, ConsistencyModel stronger, ConsistencyModel weaker,
                                Supplier<String> why) {
        if (c.satisfies(stronger) && !c.satisfies(weaker)) {
            throw new AssertionError(stronger.id() + " implies " + weaker.id() + "\n" + why.get());
        }
    }

    /** 2-4 processes, 1-4 ops each, keys x and y; reads return any value written to the key, or null. */
    static History arbitrary(SplittableRandom rnd) {
        int processes = 2 + rnd.nextInt(3);
        List<List<String[]>> program = new ArrayList<>();
        List<String[]> writes = new ArrayList<>();
        int next = 1;
        for (int p = 0; p < processes; p++) {
            List<String[]> ops = new ArrayList<>();
            for (int i = 1 + rnd.nextInt(4); i > 0; i--) {
                String key = rnd.nextInt(3) == 0 ? "y" : "x";
                String[] op = rnd.nextBoolean() ? new String[]{"write", key, "v" + next++} : new String[]{"read", key, null};
                if (op[0].equals("write")) writes.add(op);
                ops.add(op);
            }
            program.add(ops);
        }
        for (List<String[]> ops : program) {
            for (String[] op : ops) {
                if (!op[0].equals("read")) continue;
                List<String> values = new ArrayList<>();
                values.add(null);
                for (String[] w : writes) if (w[1].equals(op[1])) values.add(w[2]);
                op[2] = values.get(rnd.nextInt(values.size()));
            }
        }
        List<Op> ops = new ArrayList<>();
        int[] done = new int[processes];
        boolean[] open = new boolean[processes];
        while (true) {
            List<Integer> live = new ArrayList<>();
            for (int p = 0; p < processes; p++) if (done[p] < program.get(p).size()) live.add(p);
            if (live.isEmpty()) break;
            int p = live.get(rnd.nextInt(live.size()));
            String[] op = program.get(p).get(done[p]);
            String proc = "P" + (p + 1);
            if (!open[p]) {
                ops.add(new Op(ops.size(), ops.size(), proc, null, OpType.INVOKE, op[0], op[1], op[0].equals("write") ? op[2] : null, null));
                open[p] = true;
                continue;
            }
            boolean last = done[p] == program.get(p).size() - 1;
            OpType type = last && rnd.nextInt(8) == 0 ? OpType.INFO : OpType.OK;
            ops.add(new Op(ops.size(), ops.size(), proc, null, type, op[0], op[1], op[2], null));
            open[p] = false;
            done[p]++;
        }
        return History.of(ops);
    }

    /**
     * Sequential consistency by its definition: some interleaving of all calls that keeps each
     * process's order replays legally. Unknown writes may be left out. Exhaustive, no memo.
     */
    private static boolean sequentialByPermutation(History h) {
        List<Call> calls = h.calls().stream().filter(c -> !c.isFail() && !(c.isUnknown() && c.f().equals("read"))).toList();
        return interleave(calls, new boolean[calls.size()], new HashMap<>());
    }

    private static boolean interleave(List<Call> calls, boolean[] used, Map<String, Object> state) {
        boolean complete = true;
        for (int i = 0; i < calls.size(); i++) complete &= used[i] || calls.get(i).isUnknown();
        if (complete) return true;
        for (int i = 0; i < calls.size(); i++) {
            Call c = calls.get(i);
            if (used[i] || !firstOfItsProcess(calls, used, c)) continue;
            if (c.f().equals("read") && !Objects.equals(state.get(c.key()), c.output())) continue;
            Object before = state.get(c.key());
            if (c.f().equals("write")) state.put(c.key(), c.input());
            used[i] = true;
            if (interleave(calls, used, state)) return true;
            used[i] = false;
            state.put(c.key(), before);
        }
        return false;
    }

    private static boolean firstOfItsProcess(List<Call> calls, boolean[] used, Call c) {
        for (int j = 0; j < calls.size(); j++) {
            Call o = calls.get(j);
            if (!used[j] && o.process().equals(c.process()) && o.invokePos() < c.invokePos()) return false;
        }
        return true;
    }
}
