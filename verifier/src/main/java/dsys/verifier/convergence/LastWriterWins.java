package dsys.verifier.convergence;

import dsys.verifier.CheckResult;
import dsys.verifier.Violations;
import dsys.verifier.history.Call;
import dsys.verifier.history.History;
import dsys.verifier.session.Version;

import java.util.List;
import java.util.Map;

/**
 * Last-writer-wins by the store's own versions: after the heal every replica holds, for every key, the highest
 * version among the acknowledged writes and deletes of the key, or a higher one (a write whose outcome the client
 * never learnt may have won). {@link ConvergenceChecker} orders writes by real time; a store that orders them by
 * Lamport time may let a real-time-later write lose to one it had not heard of, and this check tells such an order
 * (valid here) from a replica that kept a version its own rule says lost (invalid here). Needs the versions clients
 * recorded ({@code version} on ok completions); calls without one are not judged.
 * <p>A replica that holds no value and no death certificate ({@code 0.}) passes when the highest acknowledged call
 * is a delete: its certificate may have been collected.
 */
public final class LastWriterWins {

    private LastWriterWins() {
    }

    /** @param held replica → key → the version it holds ({@code 0.}: nothing; a missing key: not known) */
    public static CheckResult check(History history, Map<String, Map<String, String>> held) {
        Violations v = new Violations();
        Map<String, List<Call>> byKey = history.callsByKey();
        for (Map.Entry<String, Map<String, String>> r : held.entrySet()) {
            for (Map.Entry<String, String> e : r.getValue().entrySet()) {
                Call top = highestAcknowledged(byKey.getOrDefault(e.getKey(), List.of()));
                if (top == null || e.getValue() == null) continue;
                Version has = parse(e.getValue());
                if (has == null) continue;
                Version needed = parse(top.version());
                if (!has.isBefore(needed)) continue;
                if (has.equals(Version.ZERO) && top.f().equals("delete")) continue;
                v.add("key " + e.getKey() + ": " + r.getKey() + " holds version " + has + ", below the acknowledged "
                        + top + " at version " + needed + ": the last writer did not win");
            }
        }
        return v.result();
    }

    private static Call highestAcknowledged(List<Call> calls) {
        Call top = null;
        for (Call c : calls) {
            if (!c.isOk() || !(c.f().equals("write") || c.f().equals("delete")) || parse(c.version()) == null) continue;
            if (top == null || parse(top.version()).isBefore(parse(c.version()))) top = c;
        }
        return top;
    }

    private static Version parse(String s) {
        try {
            return s == null ? null : Version.parse(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
