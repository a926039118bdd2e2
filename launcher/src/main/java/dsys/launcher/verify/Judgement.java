package dsys.launcher.verify;

import dsys.verifier.Verdict;

import java.util.List;
import java.util.Map;

/**
 * A checker's answer in the report's terms.
 *
 * @param keys     per key (register) or lock: its verdict and a line on what the search did
 * @param findings the counterexamples or violations, one text each, with the key and the history indices they
 *                 name (the report draws those calls)
 * @param notes    further lines for the console and the report that do not decide the verdict (set: what the
 *                 sessions that did not ask for guarantees saw)
 */
record Judgement(String checker, Verdict verdict, Map<String, KeyResult> keys, List<Finding> findings, long elapsedNanos,
                 String summary, List<String> notes) {

    Judgement(String checker, Verdict verdict, Map<String, KeyResult> keys, List<Finding> findings, long elapsedNanos,
              String summary) {
        this(checker, verdict, keys, findings, elapsedNanos, summary, List.of());
    }

    record KeyResult(Verdict verdict, int calls, String search) {
    }

    record Finding(String key, String text, List<Long> indices) {
    }

    int exitCode() {
        return verdict.exitCode();
    }
}
