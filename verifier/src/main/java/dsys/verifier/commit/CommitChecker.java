package dsys.verifier.commit;

import dsys.verifier.CheckResult;
import dsys.verifier.Violations;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Atomic commitment, per transaction: agreement (every node that decided, decided alike),
 * validity (commit only if every participant voted yes before the first commit decision;
 * participants come from BEGIN, else from the votes seen), and stability (no node ever
 * changes its decision or its vote). Nodes that never decide are not a safety violation:
 * blocking is 2PC's known weakness, and liveness is for the tests that drive recovery.
 */
public final class CommitChecker {
    private CommitChecker() {
    }

    public static CheckResult check(List<CommitEvent> events) {
        Map<String, List<CommitEvent>> byTxn = new LinkedHashMap<>();
        for (CommitEvent e : events) byTxn.computeIfAbsent(e.txn(), t -> new ArrayList<>()).add(e);
        Violations v = new Violations();
        byTxn.forEach((txn, es) -> check(txn, es, v));
        return v.result();
    }

    private static void check(String txn, List<CommitEvent> events, Violations v) {
        Set<String> participants = new LinkedHashSet<>();
        Map<String, String> votes = new LinkedHashMap<>();
        Map<String, String> decisions = new LinkedHashMap<>();
        boolean begun = false;
        for (CommitEvent e : events) {
            switch (e.kind()) {
                case BEGIN -> {
                    begun = true;
                    participants.addAll(e.participants());
                }
                case VOTE -> {
                    if (!begun) participants.add(e.node());
                    String before = votes.putIfAbsent(e.node(), e.value());
                    if (before != null && !before.equals(e.value())) {
                        v.add("txn " + txn + ": " + e.node() + " changed its vote from " + before + " to " + e.value());
                    } else if (decisions.containsValue("commit") && !e.value().equals("yes")) {
                        v.add("txn " + txn + ": " + e.node() + " voted " + e.value() + " after the transaction committed");
                    }
                }
                case DECIDE -> {
                    boolean firstCommit = e.value().equals("commit") && !decisions.containsValue("commit");
                    String before = decisions.putIfAbsent(e.node(), e.value());
                    if (before != null && !before.equals(e.value())) {
                        v.add("txn " + txn + ": " + e.node() + " changed its decision from " + before + " to " + e.value());
                    } else if (firstCommit) {
                        for (String p : participants) {
                            String vote = votes.get(p);
                            if (!"yes".equals(vote)) {
                                v.add("txn " + txn + ": " + e.node() + " decided commit though " + p
                                        + (vote == null ? " had not voted" : " voted " + vote));
                            }
                        }
                    }
                }
            }
        }
        if (new LinkedHashSet<>(decisions.values()).size() > 1) {
            v.add("txn " + txn + ": nodes disagree: " + decisions);
        }
    }
}
