package dsys.lock.byzantine;

import java.util.List;
import java.util.Map;

/**
 * The result of one run. {@code guaranteed} is the theory (n ≥ 3m+1 and m+1 rounds); {@code agreed} and
 * {@code valid} are what happened: every loyal general computed the same result vector, and in it every loyal
 * general's element is its true value.
 */
public record AgreementOutcome(List<String> generals, List<String> traitors, int n, int m, int rounds,
                               boolean guaranteed, boolean agreed, boolean valid, String note,
                               Map<String, General> loyal, Map<String, Long> messages) {

    /** A loyal general's view: its step-2 vector, the step-3 vectors it received, its step-4 result and decision. */
    public record General(Map<String, String> vector, Map<String, Map<String, String>> received,
                          Map<String, String> result, String decision) {
    }

    public long messageCount() {
        return messages.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Why agreement may fail, in the notes' terms; empty when it is guaranteed. */
    static String note(int n, int m, int rounds) {
        if (n < 3 * m + 1) {
            return "n = " + n + " < 3m+1 = " + (3 * m + 1) + ": with " + m + " traitor(s) agreement is impossible"
                    + " (the notes: N − f − f > f needs N ≥ 3f+1); loyal generals may disagree or decide UNKNOWN";
        }
        if (rounds < m + 1) {
            return rounds + " round(s) tolerate " + (rounds - 1) + " traitor(s), not " + m
                    + ": the notes' four steps (2 rounds) are Lamport's OM(1); m traitors need m+1 rounds";
        }
        return "";
    }
}
