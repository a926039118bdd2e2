package dsys.verifier.linear;

import dsys.verifier.Verdict;

import java.util.List;
import java.util.Map;

/**
 * Verdict over all keys (invalid if any key is invalid, else unknown if any ran out of
 * budget) with the per-key verdicts and, for each invalid key, a counterexample.
 */
public record LinearizabilityResult(String model, Verdict verdict, Map<String, Verdict> keys,
                                    List<Counterexample> counterexamples, int calls, long elapsedNanos) {

    public boolean isValid() {
        return verdict == Verdict.VALID;
    }

    @Override
    public String toString() {
        String nl = System.lineSeparator();
        StringBuilder sb = new StringBuilder();
        sb.append(verdict.label()).append(" (").append(model).append(", ").append(calls).append(" calls, ")
                .append(keys.size()).append(keys.size() == 1 ? " key, " : " keys, ")
                .append(elapsedNanos / 1_000_000).append(" ms)");
        keys.forEach((k, v) -> {
            if (v == Verdict.UNKNOWN) sb.append(nl).append("  key ").append(k).append(": unknown (budget exhausted)");
        });
        for (Counterexample c : counterexamples) sb.append(nl).append("  ").append(c);
        return sb.toString();
    }
}
