package dsys.verifier.linear;

import dsys.verifier.Verdict;
import dsys.verifier.history.Call;
import dsys.verifier.history.History;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a history against a model, key by key: linearizability is compositional
 * (Herlihy–Wing), so each key is searched alone, which keeps the search small. Failed calls
 * are dropped (they certainly had no effect), and so are unknown-outcome calls whose effect
 * nothing observed (see {@link Model#omittable}); nemesis lines are ignored.
 *
 * <pre>{@code
 * LinearizabilityResult r = new LinearizabilityChecker(RegisterModel.register()).check(history);
 * assertThat(r.verdict()).as(r.toString()).isEqualTo(Verdict.VALID);
 * }</pre>
 */
public final class LinearizabilityChecker {
    public static final Duration DEFAULT_TIME = Duration.ofSeconds(60);
    public static final long DEFAULT_MEMORY = 512L << 20;

    private final Model model;
    private final Duration timeBudget;
    private final long memoryBudget;

    public LinearizabilityChecker(Model model) {
        this(model, DEFAULT_TIME, DEFAULT_MEMORY);
    }

    /**
     * @param timeBudget   for the whole history; past it the verdict is unknown
     * @param memoryBudget bytes of memo per key (about 50 per configuration); past it that key is unknown
     */
    public LinearizabilityChecker(Model model, Duration timeBudget, long memoryBudget) {
        this.model = model;
        this.timeBudget = timeBudget;
        this.memoryBudget = memoryBudget;
    }

    public LinearizabilityResult check(History history) {
        long start = System.nanoTime();
        long deadline = start + timeBudget.toNanos();
        Map<String, Verdict> verdicts = new LinkedHashMap<>();
        Map<String, SearchStats> stats = new LinkedHashMap<>();
        List<Counterexample> counterexamples = new ArrayList<>();
        Verdict overall = Verdict.VALID;
        Map<String, List<Call>> byKey = history.callsByKey();
        for (Map.Entry<String, List<Call>> e : byKey.entrySet()) {
            Model keyModel = model.forKey(e.getValue());
            List<WglSearch.LinOp> ops = prepare(keyModel, e.getValue());
            WglSearch.Outcome outcome = new WglSearch(e.getKey(), keyModel, ops, deadline, memoryBudget).run();
            verdicts.put(e.getKey(), outcome.verdict());
            stats.put(e.getKey(), outcome.stats());
            if (outcome.verdict() == Verdict.INVALID) counterexamples.add(outcome.counterexample());
            overall = overall.and(outcome.verdict());
        }
        return new LinearizabilityResult(model.name(), overall, verdicts, stats, counterexamples,
                history.calls().size(), System.nanoTime() - start);
    }

    private static List<WglSearch.LinOp> prepare(Model model, List<Call> calls) {
        List<WglSearch.LinOp> ops = new ArrayList<>(calls.size());
        for (Call c : calls) {
            if (c.isFail() || c.isUnknown() && model.omittable(c, calls)) continue;
            Model.Transition t = model.prepare(c);
            if (t != null) ops.add(new WglSearch.LinOp(ops.size(), c, t, model.readOnly(c)));
        }
        return ops;
    }
}
