package dsys.verifier;

import java.util.List;

/**
 * Result of the safety checkers: a verdict and the violations that justify it, each a sentence
 * that names the operations (by history index), nodes or messages involved.
 */
public record CheckResult(Verdict verdict, List<String> violations) {

    public CheckResult {
        violations = List.copyOf(violations);
    }

    public static CheckResult of(List<String> violations) {
        return new CheckResult(violations.isEmpty() ? Verdict.VALID : Verdict.INVALID, violations);
    }

    public boolean isValid() {
        return verdict == Verdict.VALID;
    }

    @Override
    public String toString() {
        if (violations.isEmpty()) return verdict.label();
        return verdict.label() + System.lineSeparator() + "  " + String.join(System.lineSeparator() + "  ", violations);
    }
}
