package dsys.verifier.logical;

import dsys.verifier.CheckResult;
import dsys.verifier.Violations;
import dsys.verifier.journal.MessageEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Logical clocks over a message journal, in journal order (each node's events in its program
 * order):
 * <ul>
 * <li>every receive matches an earlier send of the same msgId between the same two nodes;</li>
 * <li>Lamport: a node's timestamps strictly increase, and a receive's exceeds its send's
 * (together: a → b implies L(a) < L(b));</li>
 * <li>vector: a → b if and only if V(a) < V(b), for every pair of journaled events, where
 * → (happened-before) is computed from the journal itself.</li>
 * </ul>
 * Events without a lamport or vector field are skipped by that check.
 */
public final class LogicalClockChecker {
    private LogicalClockChecker() {
    }

    public static CheckResult check(List<MessageEvent> journal) {
        Violations v = new Violations();
        int n = journal.size();
        Map<String, Integer> sendOf = new HashMap<>();
        Map<String, Integer> lastOfNode = new HashMap<>();
        List<Map<String, Long>> truth = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            MessageEvent e = journal.get(i);
            Integer prev = lastOfNode.put(e.node(), i);
            Map<String, Long> vc = new HashMap<>(prev == null ? Map.of() : truth.get(prev));
            if (e.isSend()) {
                if (sendOf.putIfAbsent(e.msgId(), i) != null) v.add(at(i, e) + "msgId " + e.msgId() + " is sent twice");
            } else {
                Integer s = sendOf.get(e.msgId());
                if (s == null) {
                    v.add(at(i, e) + "receive of " + e.msgId() + " without an earlier send");
                } else {
                    MessageEvent send = journal.get(s);
                    if (!send.node().equals(e.peer()) || !send.peer().equals(e.node())) {
                        v.add(at(i, e) + "receive of " + e.msgId() + " from " + e.peer() + ", but it was sent by "
                                + send.node() + " to " + send.peer());
                    }
                    truth.get(s).forEach((k, c) -> vc.merge(k, c, Math::max));
                    lamportReceive(i, e, s, send, v);
                }
            }
            vc.merge(e.node(), 1L, Long::sum);
            truth.add(vc);
            if (prev != null) lamportLocal(i, e, journal.get(prev), v);
        }
        vectors(journal, truth, v);
        return v.result();
    }

    private static void lamportLocal(int i, MessageEvent e, MessageEvent prev, Violations v) {
        if (e.lamport() != null && prev.lamport() != null && e.lamport() <= prev.lamport()) {
            v.add(at(i, e) + "Lamport time " + e.lamport() + " does not exceed " + e.node() + "'s previous " + prev.lamport());
        }
    }

    private static void lamportReceive(int i, MessageEvent e, int s, MessageEvent send, Violations v) {
        if (e.lamport() != null && send.lamport() != null && e.lamport() <= send.lamport()) {
            v.add(at(i, e) + "receive of " + e.msgId() + " has Lamport time " + e.lamport() + ", not above its send's "
                    + send.lamport() + " (line " + (s + 1) + ")");
        }
    }

    private static void vectors(List<MessageEvent> journal, List<Map<String, Long>> truth, Violations v) {
        for (int a = 0; a < journal.size(); a++) {
            Map<String, Long> va = journal.get(a).vector();
            if (va == null) continue;
            for (int b = 0; b < journal.size(); b++) {
                Map<String, Long> vb = journal.get(b).vector();
                if (a == b || vb == null) continue;
                boolean happenedBefore = less(truth.get(a), truth.get(b));
                boolean vectorBefore = less(va, vb);
                if (happenedBefore != vectorBefore) {
                    v.add(at(a, journal.get(a)) + (happenedBefore ? "happened before" : "did not happen before")
                            + " line " + (b + 1) + ", but its vector " + new LinkedHashMap<>(va) + (vectorBefore ? " < " : " is not < ")
                            + new LinkedHashMap<>(vb));
                }
            }
        }
    }

    /** a < b: every entry ≤, and a ≠ b (missing entries are 0). */
    static boolean less(Map<String, Long> a, Map<String, Long> b) {
        boolean strictly = false;
        for (Map.Entry<String, Long> e : a.entrySet()) {
            long bv = b.getOrDefault(e.getKey(), 0L);
            if (e.getValue() > bv) return false;
            if (e.getValue() < bv) strictly = true;
        }
        if (!strictly) {
            for (Map.Entry<String, Long> e : b.entrySet()) {
                if (e.getValue() > a.getOrDefault(e.getKey(), 0L)) return true;
            }
        }
        return strictly;
    }

    private static String at(int i, MessageEvent e) {
        return "line " + (i + 1) + " (" + e.event().json() + " " + e.msgId() + " at " + e.node() + "): ";
    }
}
