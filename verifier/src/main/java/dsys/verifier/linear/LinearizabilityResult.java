package dsys.verifier.linear;

import dsys.verifier.Verdict;

import java.util.List;
import java.util.Map;

/**
 * Verdict over all keys (invalid if any key is invalid, else unknown if any ran out of
 * budget) with the per-key verdicts, what each key's search did, and, for each invalid key,
 * a counterexample.
 */
public record LinearizabilityResult(String model, Verdict verdict, Map<String, Verdict> keys,
                                    Map<String, SearchStats> stats, List<Counterexample> counterexamples,
                                    int calls, long elapsedNanos) {

    public boolean isValid() {
        return verdict == Verdict.VALID;
    }

    /** Configurations memoized over all keys: the size of the search. */
    public long configurations() {
        return stats.values().stream().mapToLong(SearchStats::configurations).sum();
    }

    @Override
    public String toString() {
        String nl = System.lineSeparator();
        StringBuilder sb = new StringBuilder();
        sb.append(verdict.label()).append(" (").append(model).append(", ").append(calls).append(" calls, ")
                .append(keys.size()).append(keys.size() == 1 ? " key, " : " keys, ")
                .append(elapsedNanos / 1_000_000).append(" ms)");
        stats.forEach((k, s) -> {
            if (s.exhausted() != null) {
                sb.append(nl).append("  key ").append(k).append(": unknown, ")
                        .append(s.exhausted().name().toLowerCase(java.util.Locale.ROOT)).append(" budget exhausted after ").append(s);
            }
        });
        for (Counterexample c : counterexamples) sb.append(nl).append("  ").append(c);
        return sb.toString();
    }
}
