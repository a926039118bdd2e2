package dsys.verifier.bank;

import dsys.verifier.Verdict;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link BankChecker} found.
 *
 * @param findings  the violations, each with the history indices (of invocations) of the calls that show it; at most
 *                  {@link BankChecker#LIMIT}, {@code dropped} more left out
 * @param total     what every snapshot must add up to: accounts × opening
 * @param snapshots ok snapshot reads judged during the run (the final read not counted)
 * @param accounts  per account, in the order opened: the transfers touching it and its final balance against the
 *                  bounds the transfers allow
 * @param note      why the verdict is unknown, or null
 */
public record BankResult(Verdict verdict, List<Finding> findings, int dropped, long total, int snapshots,
                         Outcomes transfers, Map<String, Account> accounts, FinalRead finalRead, String note) {

    public BankResult {
        findings = List.copyOf(findings);
        accounts = Collections.unmodifiableMap(new LinkedHashMap<>(accounts));
    }

    /** @param account the account it is about, or null (a wrong total is about all of them) */
    public record Finding(String account, String text, List<Long> indices) {
        public Finding {
            indices = List.copyOf(indices);
        }
    }

    public record Outcomes(int ok, int fail, int info) {
        @Override
        public String toString() {
            return ok + " ok / " + fail + " fail / " + info + " info";
        }
    }

    /**
     * @param transfers calls naming it, whatever their outcome
     * @param ok        of those, the ok ones
     * @param net       what the ok ones moved in (positive) or out
     * @param low       the least balance the final read may show: opening + certain transfers + every unknown one
     *                  that takes away
     * @param high      the most: opening + certain + every unknown one that adds
     * @param balance   what the final read showed, null without one (or when it held no whole number)
     */
    public record Account(int transfers, int ok, long net, long low, long high, Long balance) {
    }

    /**
     * The read after healing, retried until it commits.
     *
     * @param index    the invocation index of the attempt that committed, -1 when none did
     * @param attempts attempts up to and including that one (all of them when none committed)
     * @param nanos    from the first attempt's invocation to the commit (to the last attempt's end when none
     *                 committed): an upper bound on how long a key stayed locked after healing
     * @param lastError why the last attempt failed (null when it committed)
     */
    public record FinalRead(long index, int attempts, long nanos, String lastError) {
        public boolean committed() {
            return index >= 0;
        }

        @Override
        public String toString() {
            if (attempts == 0) return "none";
            return committed() ? String.format("committed %.3f s after its first attempt (attempt %d)", nanos / 1e9, attempts)
                    : String.format("did not commit: %d attempts over %.3f s (last: %s)", attempts, nanos / 1e9, lastError);
        }
    }

    /** {@code valid: 230 snapshot reads and the final read hold ...; transfers 700 ok / 300 fail / 3 info}. */
    public String summary() {
        String what = switch (verdict) {
            case VALID -> reads() + " and the final read hold all " + accounts.size()
                    + " accounts, none negative, total " + total + "; final balances within what the transfers allow";
            case INVALID -> findings.size() + dropped + " violation" + (findings.size() + dropped == 1 ? "" : "s")
                    + " (" + reads() + (finalRead.committed() ? " and the final read" : ", no final read") + ")";
            case UNKNOWN -> note;
        };
        return verdict.label() + ": " + what + "; transfers " + transfers;
    }

    private String reads() {
        return snapshots + " snapshot read" + (snapshots == 1 ? "" : "s");
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(summary()).append("; final read ").append(finalRead);
        findings.forEach(f -> sb.append(System.lineSeparator()).append("  ").append(f.text()));
        if (dropped > 0) sb.append(System.lineSeparator()).append("  ... and ").append(dropped).append(" more");
        return sb.toString();
    }
}
