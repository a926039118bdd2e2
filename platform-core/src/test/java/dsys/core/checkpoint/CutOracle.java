package dsys.core.checkpoint;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges a global state (one recorded process state per process) from the states' own records of which transfers
 * each process sent and received and from the test's {@link Ledger} — independently of how the algorithms chose
 * the states. A state is believable when its balance is the opening balance plus what the ledger says the
 * transfers it records as received brought, minus what those it records as sent took, and when it records
 * only transfers the test asked for, on the right channels. The global state is consistent when it has no
 * orphan message: every transfer some process records as received is recorded as sent by its payer.
 */
final class CutOracle {

    private CutOracle() {
    }

    static List<String> problems(Map<String, ProcessState> cut, Ledger ledger) {
        List<String> problems = new ArrayList<>();
        Set<String> receivedAnywhere = new HashSet<>();
        cut.forEach((node, s) -> {
            long expected = ledger.opening(node);
            for (String peer : cut.keySet()) {
                if (peer.equals(node)) continue;
                for (String id : s.transfersSentTo(peer)) {
                    Ledger.Issued i = ledger.get(id);
                    if (i == null || !i.from().equals(node) || !i.to().equals(peer)) problems.add(node + " records sending " + id + " to " + peer + ", the ledger says " + i);
                    else expected -= i.amount();
                }
                for (String id : s.transfersReceivedFrom(peer)) {
                    Ledger.Issued i = ledger.get(id);
                    if (!receivedAnywhere.add(id)) problems.add(id + " is received twice");
                    if (i == null || !i.to().equals(node) || !i.from().equals(peer)) problems.add(node + " records receiving " + id + " from " + peer + ", the ledger says " + i);
                    else expected += i.amount();
                    if (!cut.get(peer).transfersSentTo(node).contains(id)) problems.add("orphan message " + id + ": " + node + " records receiving it, " + peer + " does not record sending it");
                }
            }
            if (expected != s.balance()) problems.add(node + " has balance " + s.balance() + " but its sends and receipts make it " + expected);
        });
        return problems;
    }

    /** No orphan message from {@code p} to {@code q}: all {@code q} records receiving from {@code p}, {@code p} records sending. */
    static boolean noOrphans(String p, ProcessState ps, String q, ProcessState qs) {
        return new HashSet<>(ps.transfersSentTo(q)).containsAll(qs.transfersReceivedFrom(p));
    }

    /** The transfers in transit from {@code from} to {@code to} across the cut: recorded as sent, not as received. */
    static List<String> inTransit(Map<String, ProcessState> cut, String from, String to) {
        List<String> received = cut.get(to).transfersReceivedFrom(from);
        return cut.get(from).transfersSentTo(to).stream().filter(id -> !received.contains(id)).toList();
    }

    /** Balances plus the money in transit (amounts from the ledger). */
    static long money(Map<String, ProcessState> cut, Ledger ledger) {
        long m = 0;
        for (var e : cut.entrySet()) {
            m += e.getValue().balance();
            for (String peer : cut.keySet()) {
                if (!peer.equals(e.getKey())) for (String id : inTransit(cut, e.getKey(), peer)) m += ledger.amount(id);
            }
        }
        return m;
    }
}
